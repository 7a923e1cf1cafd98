import { validateSlackUserId } from '../validation/slack-ids.ts';
import { parseEnvironmentName } from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { quoted } from './quoted.ts';
import { anyone, role } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';
import { OPS_AUDIT_USAGE, OPS_JOB_USAGE, OPS_WHOAMI_USAGE } from './usage.ts';

/** A parsed `/ops job <id>`: show one job's state. */
export interface OpsJobCommand {
  kind: 'ops.job';
  jobId: string;
}

/** A parsed `/ops audit`: an admin's query of the audit log, newest first. */
export interface OpsAuditCommand {
  kind: 'ops.audit';
  /** Slack user id (`U…`/`W…`) from `--user`, taken from a mention or given bare. */
  user?: string;
  environment?: string;
  /** How far back `--since` reaches; `text` is the normalised input (`24h`) for replies. */
  since?: { ms: number; text: string };
  /** `--action`: one or more whole dot-separated action segments (`deploy`, `approval.granted`), lowercase. */
  action?: string;
  /** `--page`: the cursor a previous reply gave for the next (older) page. */
  cursor?: string;
}

/** A parsed `/ops whoami`: what the bot knows about the caller (id, roles, environments). */
export interface OpsWhoamiCommand {
  kind: 'ops.whoami';
}

/** Every command `/ops` can produce; grows with the table below. */
export type OpsCommand = OpsJobCommand | OpsAuditCommand | OpsWhoamiCommand;

/** Job ids: `j` and 12 base-36 characters (the same shape `src/core/job-id.ts` issues). */
export const JOB_ID_PATTERN = /^j[0-9a-z]{12}$/;

/**
 * Parses the words after `/ops job`: exactly one job id. Case is ignored (ids are lowercase),
 * and backticks copied along from the bot's "queued as job `j…`" reply are dropped.
 *
 * @throws UsageError (with the `/ops job` usage) for a missing, extra or malformed id.
 */
export function parseOpsJob(tokens: string[]): OpsJobCommand {
  const { positionals } = parseFlags(tokens, [], OPS_JOB_USAGE);
  const [raw, ...extra] = positionals;
  if (raw === undefined) throw new UsageError('Give the job id, e.g. /ops job j0abc12def345.', OPS_JOB_USAGE);
  if (extra.length > 0) throw new UsageError(`Give one job id, not ${positionals.length}.`, OPS_JOB_USAGE);
  const jobId = raw.replace(/^`+|`+$/g, '').toLowerCase();
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new UsageError(`${quoted(raw)} isn't a job id: job ids are j followed by 12 letters or digits, e.g. j0abc12def345.`, OPS_JOB_USAGE);
  }
  return { kind: 'ops.job', jobId };
}

/** Flags of `/ops audit`. */
export const OPS_AUDIT_FLAGS = [
  { name: 'user', kind: 'string', valueName: '@USER' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
  { name: 'since', kind: 'string', valueName: 'DURATION' },
  { name: 'action', kind: 'string', valueName: 'ACTION' },
  { name: 'page', kind: 'string', valueName: 'CURSOR' },
] as const satisfies readonly FlagSpec[];

/** A mention after Slack's escaping is undone (`<@U123|name>` → `<@U123>`, see slack-text.ts). */
const MENTION = /^<@([A-Za-z0-9]+)>$/;
const DURATION = /^(\d{1,6})([mhdw])$/i;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
/** Longest `--since`: a year, beyond any sensible audit retention. */
export const MAX_AUDIT_SINCE_MS = 366 * 86_400_000;
/** Whole action segments, as the audit log stores them: `deploy`, `approval.granted`. */
const ACTION = /^[a-z][a-z0-9-]{0,31}(\.[a-z0-9][a-z0-9-]{0,31}){0,5}$/;
/** Audit cursors are Redis stream ids, `<ms>-<seq>` (the shape `src/audit` hands out). */
const CURSOR = /^\d{1,15}-\d{1,15}$/;

/**
 * Parses the words after `/ops audit`: only flags, all optional (no flags lists the newest
 * events of everyone).
 *
 * @throws UsageError (with the `/ops audit` usage) for positional words, unknown flags, a
 * `--user` that is neither a mention nor a user id, a malformed duration, action or cursor.
 */
export function parseOpsAudit(tokens: string[]): OpsAuditCommand {
  const { values, positionals } = parseFlags(tokens, OPS_AUDIT_FLAGS, OPS_AUDIT_USAGE);
  const [first] = positionals;
  if (first !== undefined) {
    // Echo the word only when it is a plain mention or @name; it shows where --user goes.
    const person = MENTION.test(first) || /^@[\w.-]{1,40}$/.test(first);
    const hint = person ? ` To filter by person, write --user ${first}.` : ' For example: /ops audit --user @alice --since 24h.';
    throw new UsageError(`Unexpected ${quoted(first)}: /ops audit takes only options.${hint}`, OPS_AUDIT_USAGE);
  }
  const command: OpsAuditCommand = { kind: 'ops.audit' };
  if (values.user !== undefined) command.user = parseUserRef(values.user);
  if (values.env !== undefined) command.environment = parseEnvironmentName(values.env.toLowerCase(), OPS_AUDIT_USAGE);
  if (values.since !== undefined) command.since = parseSince(values.since);
  if (values.action !== undefined) command.action = parseAction(values.action);
  if (values.page !== undefined) command.cursor = parseCursor(values.page);
  return command;
}

/**
 * `<@U123>` (a mention) or a bare id `U0123ABCD`. A typed `@name` cannot be resolved here, and
 * a bare word must look like an id (uppercase, with a digit) so `ursula` is not taken for one.
 */
function parseUserRef(text: string): string {
  const mentioned = MENTION.exec(text)?.[1]?.toUpperCase();
  const id = mentioned ?? text.replace(/^@/, '');
  if (!validateSlackUserId(id).ok || id.startsWith('<') || (mentioned === undefined && !/\d/.test(id))) {
    throw new UsageError(`--user takes a mention (type @ and pick the person) or a user id like U0123ABCD, not ${quoted(text)}.`, OPS_AUDIT_USAGE);
  }
  return id;
}

function parseSince(text: string): { ms: number; text: string } {
  const match = DURATION.exec(text);
  const amount = match === null ? Number.NaN : Number(match[1]);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const ms = amount * (UNIT_MS[unit] ?? Number.NaN);
  if (!(ms > 0 && ms <= MAX_AUDIT_SINCE_MS)) {
    throw new UsageError(`--since takes a duration up to a year, like 30m, 24h, 7d or 2w, not ${quoted(text)}.`, OPS_AUDIT_USAGE);
  }
  return { ms, text: `${amount}${unit}` };
}

function parseAction(text: string): string {
  const action = text.toLowerCase();
  if (!ACTION.test(action)) {
    throw new UsageError(`--action takes an action word such as deploy, build or approval.granted, not ${quoted(text)}.`, OPS_AUDIT_USAGE);
  }
  return action;
}

function parseCursor(text: string): string {
  // Copied from the previous reply, possibly with its backticks.
  const cursor = text.replace(/^`+|`+$/g, '');
  if (!CURSOR.test(cursor)) throw new UsageError(`${quoted(text)} isn't a page cursor: use the --page value from the previous reply.`, OPS_AUDIT_USAGE);
  return cursor;
}

/**
 * Parses the words after `/ops whoami`: there must be none.
 *
 * @throws UsageError for any word or flag.
 */
export function parseOpsWhoami(tokens: string[]): OpsWhoamiCommand {
  const { positionals } = parseFlags(tokens, [], OPS_WHOAMI_USAGE);
  if (positionals.length > 0) throw new UsageError('/ops whoami takes nothing after it.', OPS_WHOAMI_USAGE);
  return { kind: 'ops.whoami' };
}

/** Subcommands of `/ops`. `help` is handled for every command by `parseCommand`. */
export const OPS_SPECS = [
  defineCommand({
    command: '/ops',
    words: ['job'],
    flags: [],
    usage: OPS_JOB_USAGE,
    help: HELP_LINES.opsJob,
    action: 'ops.job',
    requires: role('viewer', 'see jobs'),
    parse: parseOpsJob,
  }),
  defineCommand({
    command: '/ops',
    words: ['audit'],
    flags: OPS_AUDIT_FLAGS,
    usage: OPS_AUDIT_USAGE,
    help: HELP_LINES.opsAudit,
    action: 'ops.audit',
    requires: role('admin', 'read the audit log'),
    runsBare: true,
    parse: parseOpsAudit,
  }),
  defineCommand({
    command: '/ops',
    words: ['whoami'],
    flags: [],
    usage: OPS_WHOAMI_USAGE,
    help: HELP_LINES.opsWhoami,
    action: 'ops.whoami',
    requires: anyone('see your roles'),
    runsBare: true,
    parse: parseOpsWhoami,
  }),
];
