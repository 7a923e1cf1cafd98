import { UsageError } from './errors.ts';
import { parseFlags } from './flags.ts';
import { quoted } from './quoted.ts';
import type { Subcommand } from './subcommand.ts';
import { OPS_JOB_USAGE } from './usage.ts';

/** A parsed `/ops job <id>`: show one job's state. */
export interface OpsJobCommand {
  kind: 'ops.job';
  jobId: string;
}

/** Every command `/ops` can produce; grows with the table below. */
export type OpsCommand = OpsJobCommand;

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

/**
 * Subcommands of `/ops`. `help` is handled for every command by `parseCommand`; a later
 * `/ops whoami` is one more entry here.
 */
export const OPS_SUBCOMMANDS: readonly Subcommand<OpsCommand>[] = [
  { name: 'job', usage: OPS_JOB_USAGE, flags: [], parse: parseOpsJob },
];
