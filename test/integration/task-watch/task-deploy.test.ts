/**
 * Dev follows main, with real Redis behind who is current (`RedisTaskDeploys`) and the
 * approvals (`RedisApprovals`): a successful run's digest becomes a normal deploy job (the bot
 * as requester, the environment's approval, the run and commit as its source); a newer run's
 * deploy supersedes one still waiting for approval (closed, its card saying by what); an older
 * run finishing late never replaces a newer one.
 */
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployJob, type DeployJobDeps } from '../../../jobs/deploy.ts';
import { queueTaskDeploy, taskDeployJobId, type TaskDeployDeps } from '../../../jobs/task-deploy.ts';
import type { EnvironmentConfig } from '../../../src/config/file.ts';
import type { BuildJobData } from '../../../src/core/build/build-job.ts';
import type { JobCard, ThreadMessage } from '../../../src/core/card.ts';
import type { DeployJobData, DeployRecord } from '../../../src/core/deploy/deploy-job.ts';
import type { JobContext } from '../../../src/core/job-context.ts';
import { RedisApprovals } from '../../../src/queue/approvals.ts';
import { RedisTaskDeploys } from '../../../src/queue/task-deploys.ts';
import { webRequest } from '../../fakes/deploy-job-data.ts';

const prefix = '{task-deploy-test}';
const sub = '00000000-0000-0000-0000-000000000001';
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/10'), { maxRetriesPerRequest: null });
  await redis.flushdb();
});
afterAll(async () => {
  await redis?.flushdb();
  redis?.disconnect();
});

const dev = {
  subscriptionId: sub,
  resourceGroup: 'rg-dev',
  location: 'eastus',
  registry: 'contosodev',
  buildRegistries: [],
  channels: [],
  policy: { publicIp: true },
  approval: { approvers: ['S0LEADS'], required: 1, expiresAfter: 3_600_000 },
  tasks: { buildwebapp: { channel: 'C0DEV', deploy: { group: 'web' } } },
} as unknown as EnvironmentConfig;

const lastDeploy: DeployRecord = {
  jobId: 'jPREVIOUS0001',
  image: `contosodev.azurecr.io/web@sha256:${'0'.repeat(64)}`,
  loginServer: 'contosodev.azurecr.io',
  repository: 'web',
  digest: `sha256:${'0'.repeat(64)}`,
  at: '2026-01-01T00:00:00.000Z',
  request: { ...webRequest, dnsNameLabel: 'contoso-web', ipAddress: 'Public' },
};

function build(runId: string, createdAt: string, commitId: string): BuildJobData {
  return {
    jobId: `jBUILD${runId.padStart(7, '0')}`,
    requesterId: 'system',
    teamId: 'T0TEAM',
    channelId: 'C0DEV',
    environment: 'dev',
    target: { subscriptionId: sub, resourceGroup: 'rg-dev', registry: 'contosodev' },
    task: { name: 'buildwebapp' },
    trigger: { kind: 'commit', commitId, branch: 'main' },
    deployTo: { group: 'web' },
    queuedAt: createdAt,
    progress: { phase: 'following', runId, logOffset: 0, carry: '', idlePolls: 0 },
  };
}
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const pushed = (runId: string, c: string) => [{ registry: 'contosodev.azurecr.io', repository: 'web', tag: runId, digest: digest(c) }];

function rig() {
  const submitted = new Map<string, DeployJobData>();
  const woken: string[] = [];
  const cards = new Map<string, JobCard>();
  const posts: { jobId: string; message: ThreadMessage }[] = [];
  const audit: { action: string; actor: string; details?: unknown }[] = [];
  const approvals = new RedisApprovals(redis, prefix);
  const deps: TaskDeployDeps = {
    jobs: {
      submit: async (_k, id, data) => void submitted.set(id, data as DeployJobData),
      get: async () => undefined,
      wake: async (id) => void woken.push(id),
    },
    history: { record: async () => {}, list: async () => [lastDeploy] },
    taskDeploys: new RedisTaskDeploys(redis, prefix),
    approvals,
    audit: { record: async (e: { action: string; actor: string; details?: unknown }) => void audit.push(e) } as unknown as TaskDeployDeps['audit'],
    reporter: {
      openCard: async (card) => void cards.set(card.jobId, card),
      updateCard: async (card) => void cards.set(card.jobId, card),
      post: async (jobId, message) => void posts.push({ jobId, message }),
      deliveryOf: async () => 'delivered',
    },
    environments: { dev },
    portal: 'https://portal.azure.com',
  };
  return { deps, submitted, woken, cards, posts, audit, approvals };
}

describe('dev follows main', () => {
  it('deploys a successful run through the normal deploy job, and a newer run supersedes it while it waits for approval', async () => {
    const r = rig();
    const a = build('ca1', '2026-01-01T10:00:00.000Z', 'aaaa1111');
    await queueTaskDeploy(r.deps, a, pushed('ca1', 'a'), new Date());
    const aJob = taskDeployJobId('T0TEAM', a.jobId);
    const aData = r.submitted.get(aJob)!;
    expect(aData).toMatchObject({
      requesterId: 'system',
      environment: 'dev',
      channelId: 'C0DEV',
      target: { subscriptionId: sub, resourceGroup: 'rg-dev', location: 'eastus', name: 'web', registry: 'contosodev' },
      approval: { required: 1, expiresAfterMs: 3_600_000 },
      source: { task: 'buildwebapp', runId: 'ca1', commitId: 'aaaa1111', buildJobId: a.jobId },
      progress: { phase: 'new' },
    });
    // Everything but the image is the group's last deploy; the image is the run's digest.
    expect(aData.request).toMatchObject({
      name: 'web',
      dnsNameLabel: 'contoso-web',
      image: { registry: 'contosodev.azurecr.io', repository: 'web', digest: digest('a') },
    });
    expect(aData.request.image.tag).toBeUndefined();
    expect(r.cards.get(aJob)!.fields).toContainEqual({ label: 'From', value: 'run ca1 of task buildwebapp, commit aaaa1111' });
    expect(r.audit.find((e) => e.action === 'task.deploy.queued')).toMatchObject({
      actor: 'system',
      details: { task: 'buildwebapp', runId: 'ca1', commit: 'aaaa1111', approval: true },
    });

    // A waits for its approvers.
    await r.approvals.open({
      jobId: aJob,
      requesterId: 'system',
      environment: 'dev',
      required: 1,
      mode: 'approval',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      planHash: 'h1',
    });
    const waiting: DeployJobData = { ...aData, progress: { phase: 'awaiting-approval' } };

    const b = build('ca2', '2026-01-01T10:05:00.000Z', 'bbbb2222');
    await queueTaskDeploy(r.deps, b, pushed('ca2', 'b'), new Date());
    const bJob = taskDeployJobId('T0TEAM', b.jobId);
    expect(r.woken).toEqual([aJob]);

    // A's next step: it steps aside before anything reaches Azure.
    let saved: DeployJobData | undefined;
    const untouchable = new Proxy(
      {},
      {
        get: () => () => {
          throw new Error('Azure must not be called');
        },
      },
    );
    const deployJob = createDeployJob({
      ...r.deps,
      aci: untouchable,
      secrets: untouchable,
      registryTags: untouchable,
      locks: { acquire: async () => ({ acquired: true }), release: async () => {} },
      pollIntervalMs: 10,
    } as unknown as DeployJobDeps);
    const ctx = {
      id: aJob,
      data: waiting,
      attemptsMade: 0,
      maxAttempts: 5,
      log: pino({ level: 'silent' }),
      save: async (d: DeployJobData) => {
        saved = d;
      },
      wakeAfter: async () => {
        throw new Error('no wait expected');
      },
    } as JobContext<DeployJobData>;
    await deployJob(ctx);
    expect(saved?.progress).toMatchObject({ phase: 'done', outcome: 'superseded' });
    const card = r.cards.get(aJob)!;
    expect(card.status).toBe('canceled');
    expect(card.detail!.mrkdwn).toContain(`superseded by run ca2 (commit bbbb2222), which job ${bJob} deploys instead`);
    expect(await r.approvals.get(aJob)).toMatchObject({ status: 'rejected', rejection: { userId: 'system' } });

    // An older run that finishes last does not replace the newer one.
    const old = build('ca0', '2026-01-01T09:55:00.000Z', '0ld00000');
    await queueTaskDeploy(r.deps, old, pushed('ca0', 'c'), new Date());
    expect(r.submitted.has(taskDeployJobId('T0TEAM', old.jobId))).toBe(false);
    expect(JSON.stringify(r.posts.filter((p) => p.jobId === old.jobId))).toContain('Run ca2 (commit bbbb2222) is newer and already deploying to web');
    // Queued again (a retried build job): still the one deploy.
    await queueTaskDeploy(r.deps, b, pushed('ca2', 'b'), new Date());
    expect([...r.submitted.keys()]).toEqual([aJob, bJob]);
  });
});
