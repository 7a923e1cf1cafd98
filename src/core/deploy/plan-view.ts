import { escapeMrkdwn } from '../mrkdwn.ts';
import type { DeployPlan } from './deploy-job.ts';
import { describeChange } from './immutable-changes.ts';

/** One part of a plan as people see it: a label and its lines (`code`: shown verbatim, monospaced). */
export interface PlanItem {
  label: string;
  lines: string[];
  code: boolean;
}

/** Everything a plan will send to Azure, in words; secure values appear only as Key Vault references. */
export interface PlanView {
  items: PlanItem[];
  /** Set when the live group is deleted first: what ACI cannot change in place, old → new. */
  replacement?: { changes: string[] };
  hash: string;
}

/** The sentence every replacement plan carries. */
export const replacementNotice = 'replaces the container group: delete, then create; downtime until it is Running again';

const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/** A command's words as a shell would read them back, e.g. `sh -c 'curl -d $X https://x'`. */
export function shellJoin(words: readonly string[]): string {
  return words.map((w) => (SAFE_WORD.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The plan in words: every field of `DeployPlan`, which is also what the PUT is built from
 * (`toContainerGroupSpec`) and what the hash covers (`planHash`). The destructuring below names
 * each field, so adding one to `DeployPlan` without showing it here does not compile: what is not
 * shown is not deployed.
 */
export function describePlan(plan: DeployPlan): PlanView {
  const {
    target,
    image,
    loginServer,
    repository,
    tag,
    digest,
    cpu,
    memoryInGB,
    ports,
    protocol,
    ipAddress,
    dnsNameLabel,
    restartPolicy,
    environmentVariables,
    secureEnvironmentVariables,
    commandLine,
    subnet,
    pull,
    replaces,
    hash,
    ...unshown
  } = plan;
  void (unshown satisfies Record<string, never>);
  // `image` is `loginServer/repository@digest`; the tag is where the digest came from.
  void [repository, digest];
  const portList = `ports ${ports.join(', ')}/${protocol}`;
  const network =
    ipAddress === undefined
      ? ['no IP address (not reachable from outside; as az container create without --ip-address)']
      : ipAddress === 'Public'
        ? [`Public IP address · ${portList}`, ...(dnsNameLabel !== undefined ? [`DNS name label ${dnsNameLabel}`] : [])]
        : [`Private IP address · ${portList}`, `subnet ${subnet ?? '(none)'}`];
  const items: PlanItem[] = [
    {
      label: 'Target',
      lines: [`${target.name} in resource group ${target.resourceGroup}`, `${target.location} · subscription ${target.subscriptionId}`],
      code: false,
    },
    { label: 'Image (pinned)', lines: [image, ...(tag !== undefined ? [`(tag ${tag} at plan time)`] : [])], code: true },
    commandLine !== undefined
      ? { label: 'Command line', lines: [shellJoin(commandLine)], code: true }
      : { label: 'Command line', lines: ['the image’s own (none given)'], code: false },
    environmentVariables.length > 0
      ? { label: 'Environment variables', lines: environmentVariables.map((v) => `${v.name}=${v.value}`), code: true }
      : { label: 'Environment variables', lines: ['none'], code: false },
    secureEnvironmentVariables.length > 0
      ? // `←`, not `=`: the outbox masks `…PASSWORD=…` as a credential, and this is only a reference.
        { label: 'Secure variables (from Key Vault)', lines: secureEnvironmentVariables.map((v) => `${v.name} ← @kv:${v.secretName}`), code: true }
      : { label: 'Secure variables (from Key Vault)', lines: ['none'], code: false },
    { label: 'Network', lines: network, code: false },
    { label: 'Resources', lines: [`${cpu} CPU · ${memoryInGB} GB memory · Linux`, `restart policy ${restartPolicy}`], code: false },
    { label: 'Registry credentials', lines: pullLines(pull, loginServer), code: false },
    { label: 'Plan', lines: [hash], code: true },
  ];
  return { items, ...(replaces && { replacement: { changes: replaces.changes.map(describeChange) } }), hash };
}

function pullLines(pull: DeployPlan['pull'], server: string): string[] {
  if ('identity' in pull) return [`managed identity ${pull.identity}`, `(attached to the group; pulls from ${server})`];
  if ('username' in pull) return [`user ${pull.username} at ${server}`, `password from Key Vault secret ${pull.passwordSecret}`];
  return ['none (anonymous pull)'];
}

/** The plan as a text file: the whole of it, whatever its length. */
export function planFileText(view: PlanView, heading: string): string {
  const lines = [heading, `Plan ${view.hash}`, ''];
  if (view.replacement) {
    lines.push(`This plan ${replacementNotice}.`, ...view.replacement.changes.map((c) => `  ${c}`), '');
  }
  for (const item of view.items) lines.push(`${item.label}:`, ...item.lines.map((l) => `  ${l}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Slack shows at most 2,000 characters per field; code spans cannot hold a backtick. */
const maxFieldChars = 1900;
/** Slack refuses messages whose block text adds up to about 12,000 characters (msg_blocks_too_long). */
const maxCardChars = 9000;

/** The characters a card field of `item` takes once escaped and formatted by the Slack layer. */
function cardChars(item: PlanItem): number {
  return item.label.length + 3 + item.lines.reduce((n, l) => n + escapeMrkdwn(l).length + (item.code ? 3 : 1), 0);
}

function fitsField(item: PlanItem): boolean {
  return cardChars(item) <= maxFieldChars && !(item.code && item.lines.some((l) => l.includes('`')));
}

/**
 * The items as a card can show them verbatim. An item that cannot be (too long, or a backtick in
 * code) is replaced by a pointer to the plan file, largest first until the card fits; `complete`
 * says whether the card alone shows the whole plan.
 */
export function itemsForCard(view: PlanView, fileName: string): { items: PlanItem[]; complete: boolean } {
  const items = view.items.map((item) => (fitsField(item) ? item : pointer(item, fileName)));
  const total = () => items.reduce((n, i) => n + cardChars(i), 0);
  let shown = items.filter((item, i) => item === view.items[i]);
  while (total() > maxCardChars && shown.length > 0) {
    const largest = shown.reduce((a, b) => (cardChars(b) > cardChars(a) ? b : a));
    items[items.indexOf(largest)] = pointer(largest, fileName);
    shown = shown.filter((i) => i !== largest);
  }
  return { items, complete: items.every((item, i) => item === view.items[i]) };
}

function pointer(item: PlanItem, fileName: string): PlanItem {
  const size = item.lines.reduce((n, l) => n + l.length, 0);
  return {
    label: item.label,
    lines: [`${item.lines.length} line${item.lines.length === 1 ? '' : 's'}, ${size} characters: see the attached ${fileName}`],
    code: false,
  };
}
