import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { ExpiryScanJobData } from '../core/credentials/jobs.ts';
import type { BullJobQueue } from './bullmq-job-queue.ts';

/** The one scheduler id: every instance upserts the same one, so there is exactly one. */
export const CREDENTIAL_SCAN_SCHEDULER = 'credential-expiry-scan';

/**
 * Registers (or updates, or removes) the credential expiry scan as a BullMQ job scheduler.
 * `upsertJobScheduler` is idempotent by id and BullMQ derives each tick's job id from the
 * scheduler and the time, so several instances starting together still make one scan per tick.
 */
export async function scheduleCredentialScans(jobs: BullJobQueue, config: Config, logger: Logger): Promise<void> {
  const credentials = config.file.credentials;
  if (!credentials) {
    await jobs.queue.removeJobScheduler(CREDENTIAL_SCAN_SCHEDULER);
    return;
  }
  const data: ExpiryScanJobData = { jobId: '', trigger: 'schedule', phase: 'new' };
  await jobs.queue.upsertJobScheduler(CREDENTIAL_SCAN_SCHEDULER, { pattern: credentials.schedule, tz: 'UTC' }, { name: 'expiry-scan', data });
  logger.info({ schedule: credentials.schedule }, 'credential expiry scan scheduled');
}
