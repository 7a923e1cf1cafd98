/**
 * `/aci promote` and `/acr promote`: copy a digest tested in one environment into another's
 * registry (and, for a container group, deploy it there). Pure parsers, one usage each.
 */
import { role } from '../access/requirement.ts';
import { validateContainerGroupName, validateImageReference } from '../validation/index.ts';
import { parseEnvironmentName } from './acr-names.ts';
import { checked } from './aci/values.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { HELP_LINES } from './help-lines.ts';
import { quoted } from './quoted.ts';
import { defineCommand } from './spec.ts';

/** `/aci promote -n web --from dev --to prod`: the digest running in dev's group, imported into prod's registry and deployed there. */
export interface AciPromoteCommand {
  kind: 'aci.promote';
  /** Container group name, the same in both environments. */
  name: string;
  from: string;
  to: string;
}

/** `/acr promote --image web:v1 --from dev --to prod`: the digest of a tag, imported into the target registry; no deploy. */
export interface AcrPromoteCommand {
  kind: 'acr.promote';
  repository: string;
  tag: string;
  from: string;
  to: string;
}

export const ACI_PROMOTE_USAGE = [
  'Usage: `/aci promote -n NAME --from ENVIRONMENT --to ENVIRONMENT`',
  'Promotes the digest running in the --from environment’s container group NAME: imports it by digest into the --to environment’s registry (`az acr import`), then deploys it to NAME there with that environment’s rules (approval, policy, Key Vault). Needs deployer in --to and viewer in --from.',
  'Example: `/aci promote -n web --from dev --to prod`',
].join('\n');

export const ACR_PROMOTE_USAGE = [
  'Usage: `/acr promote --image REPO:TAG --from ENVIRONMENT --to ENVIRONMENT`',
  'Imports the digest of REPO:TAG in the --from environment’s registry into the --to environment’s registry by digest, under the same tag (`az acr import`); deploys nothing. Needs builder in --to and viewer in --from.',
  'Example: `/acr promote --image web:v1 --from dev --to prod`',
].join('\n');

const ENVIRONMENT_FLAGS = [
  { name: 'from', kind: 'string', valueName: 'ENVIRONMENT' },
  { name: 'to', kind: 'string', valueName: 'ENVIRONMENT' },
] as const satisfies readonly FlagSpec[];

export const ACI_PROMOTE_FLAGS = [{ name: 'name', short: 'n', kind: 'string', valueName: 'NAME' }, ...ENVIRONMENT_FLAGS] as const satisfies readonly FlagSpec[];
export const ACR_PROMOTE_FLAGS = [{ name: 'image', kind: 'string', valueName: 'REPO:TAG' }, ...ENVIRONMENT_FLAGS] as const satisfies readonly FlagSpec[];

function environments(values: { from?: string | undefined; to?: string | undefined }, usage: string): { from: string; to: string } {
  if (values.from === undefined || values.to === undefined)
    throw new UsageError('Name both environments: --from where it runs now and --to where it goes, e.g. --from dev --to prod.', usage);
  const from = parseEnvironmentName(values.from, usage);
  const to = parseEnvironmentName(values.to, usage);
  if (from === to) throw new UsageError(`--from and --to are both ${quoted(from)}: a promotion goes from one environment to another.`, usage);
  return { from, to };
}

function noStrayWords(positionals: readonly string[], command: string, usage: string): void {
  const [first] = positionals;
  if (first !== undefined) throw new UsageError(`Unexpected word ${quoted(first)}: ${command} takes only options.`, usage);
}

/** Parses the words after `/aci promote`. @throws UsageError for any mistake. */
export function parseAciPromote(tokens: string[]): AciPromoteCommand {
  const usage = ACI_PROMOTE_USAGE;
  const { values, positionals } = parseFlags(tokens, ACI_PROMOTE_FLAGS, usage);
  noStrayWords(positionals, '/aci promote', usage);
  if (values.name === undefined) throw new UsageError('Name the container group with -n, e.g. -n web.', usage);
  return { kind: 'aci.promote', name: checked('-n', validateContainerGroupName(values.name), usage), ...environments(values, usage) };
}

/** Parses the words after `/acr promote`. @throws UsageError for any mistake. */
export function parseAcrPromote(tokens: string[]): AcrPromoteCommand {
  const usage = ACR_PROMOTE_USAGE;
  const { values, positionals } = parseFlags(tokens, ACR_PROMOTE_FLAGS, usage);
  noStrayWords(positionals, '/acr promote', usage);
  if (values.image === undefined) throw new UsageError('Give the image with --image REPO:TAG, e.g. --image web:v1.', usage);
  const image = checked('--image', validateImageReference(values.image), usage);
  if (image.registry !== undefined || image.digest !== undefined) {
    throw new UsageError('--image is a repository and tag of the --from environment’s registry, like web:v1 (no registry, no digest).', usage);
  }
  return { kind: 'acr.promote', repository: image.repository, tag: image.tag ?? 'latest', ...environments(values, usage) };
}

// A promotion changes the target (import, deploy) and only reads the source: the source's
// viewer check is `aci.promote.source` / `acr.promote.source`, made by the handler.
export const ACI_PROMOTE_SPEC = defineCommand({
  command: '/aci',
  words: ['promote'],
  flags: ACI_PROMOTE_FLAGS,
  usage: ACI_PROMOTE_USAGE,
  help: HELP_LINES.aciPromote,
  action: 'aci.promote',
  requires: role('deployer', 'promote images into this environment'),
  parse: parseAciPromote,
});

export const ACR_PROMOTE_SPEC = defineCommand({
  command: '/acr',
  words: ['promote'],
  flags: ACR_PROMOTE_FLAGS,
  usage: ACR_PROMOTE_USAGE,
  help: HELP_LINES.acrPromote,
  action: 'acr.promote',
  requires: role('builder', 'import images into this environment’s registry'),
  parse: parseAcrPromote,
});
