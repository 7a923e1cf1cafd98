import type { AccessPolicy } from '../access/access-policy.ts';
import type { GroupMembers } from '../access/group-members.ts';
import type { Role } from '../access/roles.ts';
import type { ApprovalState, PendingApprovals } from '../approval/approvals.ts';
import { isApprover } from '../approval/approvers.ts';
import { terminalStatuses, type JobCard } from '../card.ts';
import { daysLeft, type ExpiringCredential } from '../credentials/expiry.ts';
import type { ExpirySnapshots } from '../credentials/ports.ts';
import type { DeployRecord } from '../deploy/deploy-job.ts';
import type { Environment } from '../environments.ts';
import type { Mrkdwn } from '../mrkdwn.ts';
import type { HomeNotices, JobCards, ThreadLocation, UserJobs } from './ports.ts';

/**
 * What one person's App Home shows, as plain data: the Slack layer renders it. Everything in it
 * was filtered for that person: requests they may decide, their own jobs, and only environments
 * they can view.
 */
export interface HomeModel {
  userId: string;
  /** What their last click on the Home did (the Home has no thread to answer in). */
  notice?: Mrkdwn;
  /** Requests waiting for their decision, soonest expiry first. */
  approvals: Listed<HomeApproval>;
  /** Their jobs still going, newest first. */
  running: Listed<HomeJob>;
  /** Their finished jobs of the last week, newest first. */
  recent: Listed<HomeJob>;
  /** The environments they can view, in configuration order, with each container group's last deploy. */
  deploys: HomeEnvironment[];
  /** Admins only (whoever may run `/sp expiring`), when credentials are managed here. */
  credentials?: HomeCredentials;
}

/** Some items and how many more there were than the Home shows. */
export interface Listed<T> {
  items: T[];
  more: number;
}

export interface HomeApproval {
  /** The job's card, as its thread shows it (title, environment, requester). */
  card: JobCard;
  approval: ApprovalState;
  thread?: ThreadLocation;
}

export interface HomeJob {
  card: JobCard;
  thread?: ThreadLocation;
}

export interface HomeEnvironment {
  name: string;
  groups: Listed<HomeDeploy>;
}

export interface HomeDeploy {
  group: string;
  record: DeployRecord;
  thread?: ThreadLocation;
}

export interface HomeCredentials {
  withinDays: number;
  /** When the shown list was scanned; absent before the first scan. */
  scannedAt?: string;
  items: ExpiringCredential[];
  more: number;
}

/** How much of each list the Home shows (it holds at most 100 blocks; the renderer also checks). */
export const homeLimits = { approvals: 10, running: 10, recent: 10, groupsPerEnvironment: 15, environments: 20, credentials: 15 } as const;

/** Where the Home's content comes from: stored state only, never Azure. */
export interface HomeSources {
  policy: AccessPolicy;
  groups: GroupMembers;
  environments: Readonly<Record<string, Pick<Environment, 'approval'>>>;
  approvals: PendingApprovals;
  cards: JobCards;
  userJobs: Pick<UserJobs, 'recent'>;
  deploys: { latest(): Promise<DeployRecord[]> };
  notices: Pick<HomeNotices, 'notice'>;
  /** Set when credentials are managed here (`credentials:` in chatops.yaml). */
  credentials?: { snapshots: Pick<ExpirySnapshots, 'latest'>; withinDays: number };
}

const listed = <T>(all: T[], limit: number): Listed<T> => ({ items: all.slice(0, limit), more: Math.max(0, all.length - limit) });

/** Builds `userId`'s Home from stored state, as of `now`. */
export async function buildHomeModel(sources: HomeSources, viewer: { userId: string; teamId: string; apiAppId?: string }, now: Date): Promise<HomeModel> {
  const { userId } = viewer;
  const roles = await sources.policy.rolesOf(userId, viewer.teamId);
  const canView = (environment: string): boolean => (roles[environment]?.length ?? 0) > 0;
  // Credentials are tenant-wide: the same rule as `/sp expiring`.
  const credentialAdmin = (
    await sources.policy.check({ userId, teamId: viewer.teamId, ...(viewer.apiAppId && { apiAppId: viewer.apiAppId }), action: 'sp.expiring' })
  ).allowed;
  // A job outside every environment (a credential rotation) is shown to whoever manages credentials.
  const mayView = (environment: string): boolean => (Object.hasOwn(sources.environments, environment) ? canView(environment) : credentialAdmin);

  const [approvals, jobs, deploys, credentials, notice] = await Promise.all([
    waitingFor(sources, userId, canView, now),
    jobsOf(sources, userId, mayView),
    lastDeploys(sources, roles),
    credentialAdmin && sources.credentials ? credentialsOf(sources.credentials, now) : Promise.resolve(undefined),
    sources.notices.notice(userId),
  ]);
  return {
    userId,
    ...(notice && { notice }),
    approvals: listed(approvals, homeLimits.approvals),
    running: listed(
      jobs.filter((j) => !terminalStatuses.has(j.card.status)),
      homeLimits.running,
    ),
    recent: listed(
      jobs.filter((j) => terminalStatuses.has(j.card.status)),
      homeLimits.recent,
    ),
    deploys,
    ...(credentials && { credentials }),
  };
}

/** Pending requests this person may decide now, in environments they can view. */
async function waitingFor(sources: HomeSources, userId: string, canView: (env: string) => boolean, now: Date): Promise<HomeApproval[]> {
  const out: HomeApproval[] = [];
  for (const approval of await sources.approvals.listPending(now)) {
    if (!canView(approval.environment)) continue;
    // The same rules as the click handler: a confirmation is the requester's alone; an approval is
    // for the environment's approvers, never the requester.
    const decides =
      approval.mode === 'confirm'
        ? approval.requesterId === userId
        : approval.requesterId !== userId &&
          !approval.approvals.some((a) => a.userId === userId) &&
          (await isApprover(userId, sources.environments[approval.environment]?.approval?.approvers ?? [], sources.groups));
    if (!decides) continue;
    const { card, thread } = await sources.cards.cardOf(approval.jobId);
    if (!card) continue;
    out.push({ card, approval, ...(thread && { thread }) });
  }
  return out;
}

/** This person's jobs (newest first) that they may still see. */
async function jobsOf(sources: HomeSources, userId: string, mayView: (env: string) => boolean): Promise<HomeJob[]> {
  const ids = await sources.userJobs.recent(userId, homeLimits.running + homeLimits.recent + 10);
  const jobs = await Promise.all(ids.map((id) => sources.cards.cardOf(id)));
  return jobs.flatMap(({ card, thread }) => (card && card.requesterId === userId && mayView(card.environment) ? [{ card, ...(thread && { thread }) }] : []));
}

/** Each container group's newest deploy, per environment the person can view. */
async function lastDeploys(sources: HomeSources, roles: Record<string, Role[]>): Promise<HomeEnvironment[]> {
  const visible = Object.keys(sources.environments).filter((env) => (roles[env]?.length ?? 0) > 0);
  if (visible.length === 0) return [];
  const records = await sources.deploys.latest();
  const out: HomeEnvironment[] = [];
  for (const name of visible.slice(0, homeLimits.environments)) {
    const own = records.filter((r) => r.environment === name).sort((a, b) => b.at.localeCompare(a.at) || a.jobId.localeCompare(b.jobId));
    const shown = listed(own, homeLimits.groupsPerEnvironment);
    const items = await Promise.all(
      shown.items.map(async (record) => {
        const { thread } = await sources.cards.cardOf(record.jobId);
        return { group: record.target?.name ?? record.repository, record, ...(thread && { thread }) };
      }),
    );
    out.push({ name, groups: { items, more: shown.more } });
  }
  return out;
}

async function credentialsOf(config: NonNullable<HomeSources['credentials']>, now: Date): Promise<HomeCredentials> {
  const snapshot = await config.snapshots.latest();
  if (!snapshot) return { withinDays: config.withinDays, items: [], more: 0 };
  // Days left as of now, not as of the scan.
  const fresh = snapshot.credentials.map((c) => ({ ...c, daysLeft: daysLeft(c.endDateTime, now) })).sort((a, b) => a.daysLeft - b.daysLeft);
  const shown = listed(fresh, homeLimits.credentials);
  return { withinDays: snapshot.withinDays, scannedAt: snapshot.scannedAt, items: shown.items, more: shown.more };
}
