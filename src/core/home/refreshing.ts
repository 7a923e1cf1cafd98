/**
 * Wrappers that ask for App Home refreshes where the things a Home shows change, so the code
 * that changes them (jobs, the click handlers) does not have to know the Home exists.
 *
 * A refresh request is a convenience: when it cannot be made (Redis hiccup), the change itself
 * still stands and the Home catches up at the next change or the next time its owner opens it.
 */
import type { Approvals } from '../approval/approvals.ts';
import { terminalStatuses, type JobCard, type JobReporter, type JobStatus } from '../card.ts';
import type { ExpirySnapshots } from '../credentials/ports.ts';
import type { DeployHistory } from '../deploy/deploy-job.ts';
import type { HomeRefresh, UserJobs } from './ports.ts';

const quietly = (promise: Promise<unknown>): Promise<void> =>
  promise.then(
    () => undefined,
    () => undefined,
  );

/** Approvals whose opening, decisions and expiry refresh every Home (approvers see the list change). */
export function refreshingApprovals(inner: Approvals, refresh: HomeRefresh): Approvals {
  return {
    async open(request) {
      // Opened again on every look of a waiting job: only the first opening is news.
      const before = await inner.get(request.jobId);
      const state = await inner.open(request);
      if (!before) await quietly(refresh.everyone());
      return state;
    },
    get: (jobId) => inner.get(jobId),
    async approve(jobId, userId, now) {
      const result = await inner.approve(jobId, userId, now);
      if (result.outcome === 'approved' || result.outcome === 'recorded' || result.outcome === 'expired') await quietly(refresh.everyone());
      return result;
    },
    async reject(jobId, userId, reason, now) {
      const result = await inner.reject(jobId, userId, reason, now);
      if (result.outcome === 'rejected' || result.outcome === 'expired') await quietly(refresh.everyone());
      return result;
    },
    async expireIfDue(jobId, now) {
      const before = await inner.get(jobId);
      const after = await inner.expireIfDue(jobId, now);
      if (before?.status === 'pending' && after?.status === 'expired') await quietly(refresh.everyone());
      return after;
    },
  };
}

/** Jobs whose last status one process remembers. */
const maxTracked = 10_000;

/** Users are Slack ids; `system` (scheduled scans, the bot's own redeploys) has no Home. */
const isPerson = (id: string): boolean => /^[UW][A-Z0-9]+$/.test(id);

/**
 * A reporter that, when a job's status changes, files the job under its requester and refreshes
 * their Home. Progress within a status (log lines, run details) is not the Home's business, so
 * those updates cost nothing extra; the last status seen per job is kept in this process only
 * (after a restart the first update of a job counts as a change, which is harmless).
 */
export function refreshingReporter(inner: JobReporter, deps: { jobs: Pick<UserJobs, 'record'>; refresh: HomeRefresh }): JobReporter {
  const lastStatus = new Map<string, JobStatus>();
  async function changed(card: JobCard): Promise<void> {
    if (lastStatus.get(card.jobId) === card.status) return;
    if (terminalStatuses.has(card.status)) lastStatus.delete(card.jobId);
    else {
      // Jobs another worker took over never finish here; forgetting them all now and then only costs a refresh.
      if (lastStatus.size >= maxTracked) lastStatus.clear();
      lastStatus.set(card.jobId, card.status);
    }
    if (!isPerson(card.requesterId)) return;
    await quietly(deps.jobs.record(card.requesterId, card.jobId, card.queuedAt).then(() => deps.refresh.user(card.requesterId)));
  }
  return {
    async openCard(card, target) {
      await inner.openCard(card, target);
      await changed(card);
    },
    async updateCard(card) {
      await inner.updateCard(card);
      await changed(card);
    },
    post: (jobId, message) => inner.post(jobId, message),
    deliveryOf: (jobId) => inner.deliveryOf(jobId),
  };
}

/** A deploy history whose new entries (and deleted groups) refresh every Home: the last deploy of a group changed. */
export function refreshingDeployHistory(inner: DeployHistory, refresh: HomeRefresh): DeployHistory {
  return {
    async record(target, entry) {
      await inner.record(target, entry);
      await quietly(refresh.everyone());
    },
    list: (target) => inner.list(target),
    async removed(target) {
      await inner.removed?.(target);
      await quietly(refresh.everyone());
    },
  };
}

/** Expiry snapshots whose new scans refresh every Home (admins see the list). */
export function refreshingSnapshots(inner: Pick<ExpirySnapshots, 'save'>, refresh: HomeRefresh): Pick<ExpirySnapshots, 'save'> {
  return {
    async save(snapshot) {
      await inner.save(snapshot);
      await quietly(refresh.everyone());
    },
  };
}
