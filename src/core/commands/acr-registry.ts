import { optionalEnvironment, REPOSITORY_NAME } from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { quoted } from './quoted.ts';
import { role } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';

/** `/acr runs|logs|cancel|repository …`: looking at a registry, as `az acr task list-runs`, `az acr task logs`, `az acr repository …`. */
export type AcrRegistryCommand =
  | { kind: 'acr.runs'; top: number; status?: string; environment?: string }
  | { kind: 'acr.logs'; runId: string; environment?: string }
  | { kind: 'acr.cancel'; runId: string; environment?: string }
  | { kind: 'acr.repository.list'; environment?: string }
  | { kind: 'acr.repository.show-tags'; repository: string; top: number; orderby: 'time_desc' | 'time_asc'; environment?: string };

export const ACR_RUNS_USAGE =
  'Usage: `/acr runs [--top 10] [--status Succeeded|Failed|Running|Queued|Canceled|Error|Timeout] [--env ENVIRONMENT]` lists recent runs (builds and task runs), newest first.';
export const ACR_LOGS_USAGE = 'Usage: `/acr logs RUN_ID [--env ENVIRONMENT]` attaches a run’s log to a thread.';
export const ACR_CANCEL_USAGE = 'Usage: `/acr cancel RUN_ID [--env ENVIRONMENT]` cancels a queued or running run.';
export const ACR_REPOSITORY_USAGE = [
  'Usage: `/acr repository list [--env ENVIRONMENT]` lists repositories;',
  '`/acr repository show-tags REPOSITORY [--top 20] [--orderby time_desc|time_asc] [--env ENVIRONMENT]` lists tags with their digests and times.',
].join('\n');

const STATUSES = ['Queued', 'Started', 'Running', 'Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'] as const;
// ACR run ids: a short registry prefix and a number, e.g. ca1, cb12, dd3f.
const RUN_ID = /^[a-z0-9]{2,12}$/;
const ENV_FLAG = { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' } as const;

function top(value: number | undefined, fallback: number, max: number, usage: string): number {
  if (value === undefined) return fallback;
  if (!(value >= 1 && value <= max)) throw new UsageError(`--top takes 1–${max}, e.g. --top ${fallback}.`, usage);
  return value;
}

const RUNS_FLAGS = [
  { name: 'top', kind: 'integer', valueName: 'N' },
  { name: 'status', kind: 'string', valueName: 'STATUS' },
  ENV_FLAG,
] as const satisfies readonly FlagSpec[];
const RUN_FLAGS = [ENV_FLAG] as const satisfies readonly FlagSpec[];
const TAGS_FLAGS = [
  { name: 'top', kind: 'integer', valueName: 'N' },
  { name: 'orderby', kind: 'string', valueName: 'time_desc|time_asc' },
  ENV_FLAG,
] as const satisfies readonly FlagSpec[];

export function parseAcrRuns(tokens: string[]): AcrRegistryCommand {
  const { values, positionals } = parseFlags(tokens, RUNS_FLAGS, ACR_RUNS_USAGE);
  if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: /acr runs takes only options.`, ACR_RUNS_USAGE);
  const status = values.status === undefined ? undefined : STATUSES.find((s) => s.toLowerCase() === values.status!.toLowerCase());
  if (values.status !== undefined && status === undefined)
    throw new UsageError(`--status takes ${STATUSES.join(', ')}, not ${quoted(values.status)}.`, ACR_RUNS_USAGE);
  return { kind: 'acr.runs', top: top(values.top, 10, 50, ACR_RUNS_USAGE), ...(status && { status }), ...optionalEnvironment(values.env, ACR_RUNS_USAGE) };
}

function runCommand(kind: 'acr.logs' | 'acr.cancel', usage: string) {
  return (tokens: string[]): AcrRegistryCommand => {
    const { values, positionals } = parseFlags(tokens, RUN_FLAGS, usage);
    const [runId, extra] = positionals;
    if (runId === undefined) throw new UsageError('Give the run id, e.g. ca12 (/acr runs lists them).', usage);
    if (extra !== undefined) throw new UsageError('Give one run id.', usage);
    const id = runId.toLowerCase();
    if (!RUN_ID.test(id)) throw new UsageError(`${quoted(runId)} isn't a run id: run ids are short letters and digits like ca12.`, usage);
    return { kind, runId: id, ...optionalEnvironment(values.env, usage) };
  };
}
export const parseAcrLogs = runCommand('acr.logs', ACR_LOGS_USAGE);
export const parseAcrCancel = runCommand('acr.cancel', ACR_CANCEL_USAGE);

export function parseAcrRepository(tokens: string[]): AcrRegistryCommand {
  const [verb, ...rest] = tokens;
  const usage = ACR_REPOSITORY_USAGE;
  if (verb?.toLowerCase() === 'list') {
    const { values, positionals } = parseFlags(rest, RUN_FLAGS, usage);
    if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: /acr repository list takes only --env.`, usage);
    return { kind: 'acr.repository.list', ...optionalEnvironment(values.env, usage) };
  }
  if (verb?.toLowerCase() === 'show-tags') {
    const { values, positionals } = parseFlags(rest, TAGS_FLAGS, usage);
    const [repository, extra] = positionals;
    if (repository === undefined) throw new UsageError('Give the repository, e.g. /acr repository show-tags web.', usage);
    if (extra !== undefined || !REPOSITORY_NAME.test(repository))
      throw new UsageError(`${quoted(repository)} isn't a repository name: lowercase letters, digits, and / between parts, e.g. team/web.`, usage);
    const orderby = values.orderby ?? 'time_desc';
    if (orderby !== 'time_desc' && orderby !== 'time_asc') throw new UsageError(`--orderby takes time_desc or time_asc, not ${quoted(orderby)}.`, usage);
    return { kind: 'acr.repository.show-tags', repository, top: top(values.top, 20, 100, usage), orderby, ...optionalEnvironment(values.env, usage) };
  }
  throw new UsageError(
    `${verb === undefined ? 'Say what to do' : `Unknown ${quoted(verb)}`}: /acr repository list or /acr repository show-tags REPOSITORY.`,
    usage,
  );
}

/** `/acr runs|logs|cancel|repository …`, declared once each. */
export const ACR_REGISTRY_SPECS = [
  defineCommand({
    command: '/acr',
    words: ['runs'],
    flags: RUNS_FLAGS,
    usage: ACR_RUNS_USAGE,
    help: HELP_LINES.registryLook,
    action: 'acr.runs',
    requires: role('viewer', 'list registry runs'),
    runsBare: true,
    parse: parseAcrRuns,
  }),
  defineCommand({
    command: '/acr',
    words: ['logs'],
    flags: RUN_FLAGS,
    usage: ACR_LOGS_USAGE,
    help: HELP_LINES.registryLook,
    action: 'acr.logs',
    requires: role('viewer', 'read run logs'),
    parse: parseAcrLogs,
  }),
  defineCommand({
    command: '/acr',
    words: ['cancel'],
    flags: RUN_FLAGS,
    usage: ACR_CANCEL_USAGE,
    help: HELP_LINES.build,
    action: 'acr.cancel',
    requires: role('builder', 'cancel runs'),
    parse: parseAcrCancel,
  }),
  defineCommand({
    command: '/acr',
    words: ['repository', 'list'],
    flags: RUN_FLAGS,
    usage: ACR_REPOSITORY_USAGE,
    help: HELP_LINES.registryLook,
    action: 'acr.repository.list',
    requires: role('viewer', 'list repositories'),
    parse: (tokens) => parseAcrRepository(['list', ...tokens]),
  }),
  defineCommand({
    command: '/acr',
    words: ['repository', 'show-tags'],
    flags: TAGS_FLAGS,
    usage: ACR_REPOSITORY_USAGE,
    help: HELP_LINES.registryLook,
    action: 'acr.repository.show-tags',
    requires: role('viewer', 'list tags'),
    parse: (tokens) => parseAcrRepository(['show-tags', ...tokens]),
  }),
];
