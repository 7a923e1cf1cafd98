import { createHash } from 'node:crypto';
import { JOB_ID_PATTERN } from './commands/ops.ts';

/**
 * Job ids come from Slack's `trigger_id`, unique per invocation, so a request Slack resends
 * (or a user's double submit of the same payload) maps to the same job and is queued once.
 * Short and lowercase so people can type them in `/ops job <id>`; BullMQ forbids ':' in ids.
 */
export function jobIdFromTrigger(teamId: string, triggerId: string): string {
  const digest = createHash('sha256').update(`${teamId}\u0000${triggerId}`).digest();
  return `j${BigInt(`0x${digest.subarray(0, 10).toString('hex')}`)
    .toString(36)
    .padStart(12, '0')
    .slice(-12)}`;
}

/** The shape every job id has (the parser validates `/ops job <id>` with the same rule). */
export const jobIdPattern = JOB_ID_PATTERN;
