/**
 * The `promote` job with the real adapters against the Azure emulator (ACI, ARM registry, the
 * registry data plane, importImage) and a real BullMQ queue: a crash between the import and the
 * deploy's submission resumes without importing again and queues the deploy once; a source group
 * that runs an image by tag is refused before anything is imported.
 */
import type { ClientSecretCredential } from '@azure/identity';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromoteJob, promotionDeployJobId } from '../../../jobs/promote.ts';
import { AzureContainerGroups } from '../../../src/azure/aci/container-groups.ts';
import { AcrClients } from '../../../src/azure/acr-clients.ts';
import { AzureImageImport } from '../../../src/azure/registry/image-import.ts';
import { AzureRegistryTags } from '../../../src/azure/registry/registry-tags.ts';
import { environmentSchema } from '../../../src/config/file.ts';
import type { AuditLog } from '../../../src/core/audit.ts';
import type { DeployJobData, DeployRecord } from '../../../src/core/deploy/deploy-job.ts';
import type { JobContext } from '../../../src/core/job-context.ts';
import type { JobQueue } from '../../../src/core/job-queue.ts';
import type { PromoteJobData } from '../../../src/core/promote/promote-job.ts';
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.ts';
import { RedisDeployHistory } from '../../../src/queue/deploy-history.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { webRequest } from '../../fakes/deploy-job-data.ts';
import { FakeReporter, Woke } from '../../fakes/fake-acr.ts';
import { startEmulator, subscription as devSubscription } from '../azure-adapters/setup.ts';

const prodSubscription = '00000000-0000-0000-0000-0000000000f3';
const prefix = `promote-it-${process.pid}`;
const redis = new Redis(process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/11'));
const environments = {
  dev: environmentSchema.parse({ subscriptionId: devSubscription, resourceGroup: 'rg-pdev', location: 'westeurope', registry: 'promjobdev' }),
  prod: environmentSchema.parse({
    subscriptionId: prodSubscription,
    resourceGroup: 'rg-pprod',
    location: 'westeurope',
    registry: 'promjobprod',
    approval: { approvers: ['U0CAROL'] },
  }),
};

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let queue: BullJobQueue;
const history = new RedisDeployHistory(redis, prefix);
const audited: string[] = [];

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  for (const [env, name] of [
    [environments.dev, 'promjobdev'],
    [environments.prod, 'promjobprod'],
  ] as const) {
    const loginServer = azure.registryData.endpoint(name).replace(/^https:\/\//, '');
    azure.acr.addRegistry({ subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name, loginServer, location: 'westeurope' });
    azure.aci.addResourceGroup(env.subscriptionId, env.resourceGroup, 'westeurope');
    azure.aci.allowImagesFrom(loginServer.split('/')[0]!);
  }
  azure.aci.timing.provisionMs = 50;
  azure.aci.timing.startMs = 20;
  queue = new BullJobQueue(redis, { prefix });
});
afterAll(async () => {
  await queue?.queue.obliterate({ force: true });
  await queue?.close();
  await redis.quit();
  azure?.close();
});

function aci(): AzureContainerGroups {
  return new AzureContainerGroups({ credential, resourceManager: azure.url, updateIntervalInMs: 20 });
}

/** Deploys `image` to dev's group `name` through the real adapter and records it as the bot would. */
async function runningInDev(name: string, image: string, digest: string): Promise<void> {
  const ref = { subscriptionId: devSubscription, resourceGroup: 'rg-pdev', name };
  const { resumeToken } = await aci().beginDeploy(ref, {
    location: 'westeurope',
    osType: 'Linux',
    restartPolicy: 'Always',
    containers: [{ name, image, cpu: 1, memoryInGB: 1.5, ports: [], environmentVariables: [] }],
  });
  for (let i = 0; i < 100 && !(await aci().pollDeploy(resumeToken)).done; i++) await new Promise((r) => setTimeout(r, 20));
  const record: DeployRecord = {
    jobId: `jdev${name}`,
    image,
    loginServer: image.split('/web')[0]!,
    repository: 'web',
    digest,
    at: '2026-12-05T08:30:00.000Z',
    request: { ...webRequest, name },
  };
  await history.record(ref, record);
}

function promoteData(jobId: string, name: string): PromoteJobData {
  return {
    jobId,
    requesterId: 'U0BOB',
    teamId: 'T0',
    channelId: 'C0',
    queuedAt: new Date().toISOString(),
    from: 'dev',
    environment: 'prod',
    subject: { kind: 'group', name },
    request: { ...webRequest, name },
    progress: { phase: 'new' },
  };
}

/** Runs the job as BullMQ would: again after each durable wait, from what it saved; stops at the first other error. */
async function run(handler: ReturnType<typeof createPromoteJob>, data: PromoteJobData): Promise<{ data: PromoteJobData; error?: unknown }> {
  let current = data;
  for (let i = 0; i < 200; i++) {
    const ctx: JobContext<PromoteJobData> = {
      id: current.jobId,
      data: current,
      attemptsMade: 0,
      maxAttempts: 5,
      log: pino({ level: 'silent' }),
      async save(next) {
        current = structuredClone(next);
      },
      async wakeAfter(ms) {
        throw new Woke(ms);
      },
    };
    try {
      await handler(ctx);
      return { data: current };
    } catch (err) {
      if (!(err instanceof Woke)) return { data: current, error: err };
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error('the job never finished');
}

function handler(jobs: JobQueue, reporter = new FakeReporter()) {
  const clients = new AcrClients({ credential, resourceManager: azure.url });
  return createPromoteJob({
    aci: aci(),
    registryTags: new AzureRegistryTags({ credential, resourceManager: azure.url }),
    importer: new AzureImageImport(clients),
    history,
    jobs,
    audit: { record: async (e: { action: string }) => void audited.push(e.action) } as unknown as AuditLog,
    reporter,
    environments,
    portal: 'https://portal.azure.com',
    pollIntervalMs: 10,
  });
}

describe('the promote job', () => {
  it('resumes after a crash between the import and the deploy: no second import, one deploy job with the promotion on it', async () => {
    const digest = azure.registryData.pushTag('promjobdev', 'web', 'v1');
    await runningInDev('web', `${azure.registryData.endpoint('promjobdev').replace(/^https:\/\//, '')}/web@${digest}`, digest);
    azure.acr.importOperationMs = 50;
    const crashing: JobQueue = {
      submit: async () => {
        throw new Error('worker killed');
      },
      get: (id) => queue.get(id),
      wake: (id) => queue.wake(id),
    };
    const data = promoteData('jpromote00001', 'web');
    const first = await run(handler(crashing), data);
    expect(first.error).toBeInstanceOf(Error);
    expect(first.data.progress.phase).toBe('imported');
    expect(azure.registryData.digestOf('promjobprod', 'web', 'v1')).toBe(digest);
    expect(azure.acr.imports('promjobprod')).toHaveLength(1);

    const reporter = new FakeReporter();
    const second = await run(handler(queue, reporter), first.data);
    expect(second.error).toBeUndefined();
    expect(second.data.progress).toMatchObject({ phase: 'done', outcome: 'succeeded', deployJobId: promotionDeployJobId(data) });
    expect(azure.acr.imports('promjobprod')).toHaveLength(1);
    expect(azure.count('POST', /\/importImage$/)).toBe(1);
    const deploy = await queue.get(promotionDeployJobId(data));
    const deployData = deploy?.data as DeployJobData;
    expect(deploy?.kind).toBe('deploy');
    expect(deployData.environment).toBe('prod');
    expect(deployData.request.image).toMatchObject({
      registry: azure.registryData.endpoint('promjobprod').replace(/^https:\/\//, ''),
      repository: 'web',
      digest,
    });
    expect(deployData.approval).toEqual({ required: 1, expiresAfterMs: 3_600_000 });
    expect(deployData.promotion).toEqual({ from: 'dev', repository: 'web', digest, since: '2026-12-05T08:30:00.000Z', promoteJobId: 'jpromote00001' });
    expect(audited.filter((a) => a === 'promote.import')).toHaveLength(1);

    // A third run (a replay of the finished job) changes nothing.
    await run(handler(queue), { ...second.data, progress: { ...second.data.progress, phase: 'imported' } });
    expect(azure.acr.imports('promjobprod')).toHaveLength(1);
    expect((await queue.queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.name === 'deploy')).toHaveLength(1);
  });

  it('refuses a source group that runs an image by tag: which digest runs is unknown, so nothing is imported', async () => {
    azure.registryData.pushTag('promjobdev', 'web', 'v2');
    const server = azure.registryData.endpoint('promjobdev').replace(/^https:\/\//, '');
    const ref = { subscriptionId: devSubscription, resourceGroup: 'rg-pdev', name: 'bytag' };
    const { resumeToken } = await aci().beginDeploy(ref, {
      location: 'westeurope',
      osType: 'Linux',
      restartPolicy: 'Always',
      containers: [{ name: 'bytag', image: `${server}/web:v2`, cpu: 1, memoryInGB: 1.5, ports: [], environmentVariables: [] }],
    });
    for (let i = 0; i < 100 && !(await aci().pollDeploy(resumeToken)).done; i++) await new Promise((r) => setTimeout(r, 20));
    const before = azure.acr.imports('promjobprod').length;
    const reporter = new FakeReporter();
    const result = await run(handler(queue, reporter), promoteData('jpromote00002', 'bytag'));
    expect(result.data.progress).toMatchObject({ phase: 'done', outcome: 'refused' });
    expect(JSON.stringify(reporter.messages)).toContain('not an image pinned by digest');
    expect(azure.acr.imports('promjobprod')).toHaveLength(before);
  });
});
