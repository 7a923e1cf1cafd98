/**
 * The task watcher's look against the Azure emulator, through the real ARM client
 * (`AzureAcrBuilds` over @azure/arm-containerregistry 11) and a real Redis: one `runs.list`
 * call per look (the watched tasks joined with `or`, `$top`, one page), runs announced once
 * across looks and across a restart (a new handler, the same Redis), history not announced,
 * the bot's own runs skipped, the gate holding a registry to one look per window, and the
 * scheduler removed once nothing is watched.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskWatchJob, RUNS_PER_LOOK, type TaskWatchJobDeps } from '../../../jobs/task-watch.ts';
import { AcrClients } from '../../../src/azure/acr-clients.ts';
import { AzureAcrBuilds } from '../../../src/azure/acr-builds.ts';
import type { EnvironmentConfig } from '../../../src/config/file.ts';
import type { BuildJobData } from '../../../src/core/build/build-job.ts';
import type { JobCard } from '../../../src/core/card.ts';
import type { JobContext } from '../../../src/core/job-context.ts';
import type { TaskWatchJobData, WatchSchedules } from '../../../src/core/task-watch/ports.ts';
import { registryWatchKey } from '../../../src/core/task-watch/watched-tasks.ts';
import { RedisRunClaims } from '../../../src/queue/cancel-requests.ts';
import { RedisTaskWatchStore } from '../../../src/queue/task-watches.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { startEmulator, subscription } from '../azure-adapters/setup.ts';

const rg = 'rg-watch';
const registry = 'contosowatch';
const ref = { subscriptionId: subscription, resourceGroup: rg, registry };
const key = registryWatchKey(ref);
const prefix = '{watch-test}';

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let redis: Redis;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: registry });
  azure.acr.timing.queuedMs = 3_600_000; // runs stay queued: only listing matters here
  const client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
  for (const name of ['buildweb', 'buildapi', 'buildother']) {
    await client.tasks.beginCreateAndWait(
      rg,
      registry,
      name,
      {
        location: 'eastus',
        platform: { os: 'Linux' },
        step: { type: 'Docker', contextPath: 'https://github.com/contoso/app.git#main', dockerFilePath: 'Dockerfile', imageNames: [`${name}:{{.Run.ID}}`] },
        trigger: {
          sourceTriggers: [
            {
              name: 'commits',
              sourceRepository: {
                sourceControlType: 'Github',
                repositoryUrl: 'https://github.com/contoso/app',
                branch: 'main',
                sourceControlAuthProperties: { tokenType: 'PAT', token: 'ghp_watchTestToken0001' },
              },
              sourceTriggerEvents: ['commit'],
              status: 'Enabled',
            },
          ],
          timerTriggers: [{ name: 'nightly', schedule: '0 2 * * *', status: 'Enabled' }],
        },
      },
      { updateIntervalInMs: 20 },
    );
  }
  redis = new Redis(process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/11'), { maxRetriesPerRequest: null });
  await redis.flushdb();
});
afterAll(async () => {
  await redis?.flushdb();
  redis?.disconnect();
  await azure?.close();
});

const environments: Record<string, EnvironmentConfig> = {
  dev: {
    subscriptionId: subscription,
    resourceGroup: rg,
    location: 'eastus',
    registry,
    buildRegistries: [],
    channels: [],
    policy: { publicIp: true },
    tasks: { buildweb: { channel: 'C0WEB' }, buildapi: { channel: 'C0API' } },
  } as EnvironmentConfig,
};

/** A worker's handler with recording Slack and queue ends; `now` is the look's clock. */
function watcher(options: { environments?: Record<string, EnvironmentConfig>; now?: () => Date } = {}) {
  const cards: { card: JobCard; channelId: string }[] = [];
  const submitted: BuildJobData[] = [];
  const removed: string[] = [];
  const schedules: WatchSchedules = { ensure: async () => {}, remove: async (k) => void removed.push(k), keys: async () => [] };
  const deps: TaskWatchJobDeps = {
    acr: new AzureAcrBuilds(new AcrClients({ credential, resourceManager: azure.url })),
    reporter: {
      openCard: async (card, target) => void cards.push({ card, channelId: target.channelId }),
      updateCard: async () => {},
      post: async () => {},
      deliveryOf: async () => 'delivered',
    },
    jobs: { submit: async (_kind, _id, data) => void submitted.push(data as BuildJobData), get: async () => undefined, wake: async () => {} },
    claims: new RedisRunClaims(redis, prefix),
    watches: new RedisTaskWatchStore(redis, prefix),
    schedules,
    audit: { record: async () => {}, query: async () => ({ events: [] }) } as unknown as TaskWatchJobDeps['audit'],
    environments: options.environments ?? environments,
    teamId: 'T0TEAM',
    portal: 'https://portal.azure.com',
    taskWatchMs: 30_000,
    ...(options.now && { now: options.now }),
  };
  const handler = createTaskWatchJob(deps);
  const look = async () => {
    const ctx = {
      id: 'repeat:x',
      data: { jobId: '', registryKey: key },
      attemptsMade: 0,
      maxAttempts: 1,
      log: pino({ level: 'silent' }),
      save: async () => {},
      wakeAfter: async () => {
        throw new Error('no wake');
      },
    } as JobContext<TaskWatchJobData>;
    await handler(ctx);
  };
  return { look, cards, submitted, removed };
}

/** Lets the next look through the gate, as the next 30 s slot would. */
const nextWindow = async () => {
  const gates = await redis.keys(`${prefix}:task-watch:look:*`);
  if (gates.length > 0) await redis.del(...gates);
};
const runsLists = (since: Date) => azure.acr.armRequests(registry, { since }).filter((r) => r.method === 'GET' && r.path.endsWith('/runs'));

describe('one look at a registry', () => {
  it('announces new runs of the watched tasks once, with one runs.list per look, and never the history', async () => {
    const history = azure.acr.triggerCommit(registry, 'buildweb', { commitId: 'old0001' });
    const w = watcher();
    const since = new Date();
    await w.look();
    expect(w.cards).toEqual([]); // the first look starts from now

    const web = azure.acr.triggerCommit(registry, 'buildweb', { commitId: 'c0ffee01' });
    const api = azure.acr.triggerTimer(registry, 'buildapi', { at: new Date('2026-01-01T02:00:00Z') });
    azure.acr.triggerCommit(registry, 'buildother', { commitId: 'notwatched' });
    await w.look(); // within the window: no look at all
    expect(runsLists(since)).toHaveLength(1);
    await nextWindow();
    await w.look();
    expect(w.submitted.map((d) => d.progress.runId)).toEqual([web, api]);
    expect(w.cards.map((c) => [c.channelId, c.card.title])).toEqual([
      ['C0WEB', 'Task buildweb: commit c0ffee01'],
      ['C0API', 'Task buildapi: timer'],
    ]);
    expect(w.submitted[0]).toMatchObject({
      requesterId: 'system',
      task: { name: 'buildweb' },
      trigger: { kind: 'commit', commitId: 'c0ffee01', branch: 'main' },
      progress: { phase: 'following' },
    });
    expect(w.submitted.map((d) => d.progress.runId)).not.toContain(history);

    const calls = runsLists(since);
    expect(calls).toHaveLength(2);
    expect(
      calls.every(
        (c) =>
          c.query.$filter === "TaskName eq 'buildapi' or TaskName eq 'buildweb'" && c.query.$top === String(RUNS_PER_LOOK) && c.query.$skipToken === undefined,
      ),
    ).toBe(true);

    // A restart: a new handler on the same Redis announces nothing twice and misses nothing.
    const pushedMeanwhile = azure.acr.triggerCommit(registry, 'buildweb', { commitId: 'c0ffee02' });
    const restarted = watcher();
    await nextWindow();
    await restarted.look();
    expect(restarted.submitted.map((d) => d.progress.runId)).toEqual([pushedMeanwhile]);
    await nextWindow();
    await restarted.look();
    expect(restarted.submitted).toHaveLength(1);
  });

  it('skips a run a job of the bot claimed (/acr task run) and waits before announcing an unclaimed manual one', async () => {
    const w = watcher();
    await nextWindow();
    await w.look();
    const own = azure.acr.startManualRun(registry, 'buildweb');
    await new RedisRunClaims(redis, prefix).claim(`${subscription}/${rg}/${registry}`, own, 'jOWNJOB00001');
    const portal = azure.acr.startManualRun(registry, 'buildweb');
    await nextWindow();
    await w.look();
    expect(w.submitted).toEqual([]); // own: followed already; portal: maybe someone's /acr task run, not claimed yet
    const later = watcher({ now: () => new Date(Date.now() + 20_000) });
    await nextWindow();
    await later.look();
    expect(later.submitted.map((d) => [d.progress.runId, d.trigger?.kind])).toEqual([[portal, 'manual']]);
  });

  it('removes the registry’s scheduler and cursor once nothing is watched there', async () => {
    const w = watcher({ environments: { dev: { ...environments.dev!, tasks: {} } } });
    await w.look();
    expect(w.removed).toEqual([key]);
    expect(await redis.exists(`${prefix}:task-watch:cursor:${key}`)).toBe(0);
  });
});
