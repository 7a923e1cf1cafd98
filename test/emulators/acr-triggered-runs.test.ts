/**
 * Runs nobody scheduled, in the Azure emulator, seen through the real `ContainerRegistryManagementClient`
 * (@azure/arm-containerregistry 11), the run's log blob and the real `ContainerRegistryClient`: a
 * commit push, a base-image update, a timer occurrence and a manual run from the portal each become
 * a run with what ACR reports about its trigger, and each ends like any run (the log's `Complete`
 * value, `outputImages` whose digests the registry's data plane then serves).
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { Run, Task } from '@azure/arm-containerregistry';
import { ContainerRegistryClient, KnownContainerRegistryAudience } from '@azure/container-registry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { finishedRun, startEmulator, subscription } from '../integration/azure-adapters/setup.ts';

const rg = 'rg-acr-loop';
const registry = 'contosoloop';
const baseRegistry = 'contosobase';
const poll = { updateIntervalInMs: 20 };
const repoUrl = 'https://github.com/contoso/web';

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let client: ContainerRegistryManagementClient;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: registry });
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: baseRegistry });
  azure.acr.timing.queuedMs = 50;
  azure.acr.timing.buildDurationMs = 300;
  azure.acr.timing.logLineIntervalMs = 50;
  client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
  await client.tasks.beginCreateAndWait(rg, registry, 'buildwebapp', webTask(), poll);
  await client.tasks.beginCreateAndWait(
    rg,
    registry,
    'multistep',
    webTask({
      step: { type: 'EncodedTask', encodedTaskContent: Buffer.from('steps:\n  - build: -t web:{{.Run.ID}} .\n').toString('base64') },
    }),
    poll,
  );
});
afterAll(() => azure?.close());
afterEach(() => azure.acr.clearScenarios());

/** A Docker task with every kind of trigger: commits to main, base-image updates, a nightly timer. */
function webTask(overrides: Partial<Task> = {}): Task {
  return {
    location: 'eastus',
    platform: { os: 'Linux', architecture: 'amd64' },
    step: {
      type: 'Docker',
      contextPath: `${repoUrl}.git#main`,
      dockerFilePath: 'Dockerfile',
      imageNames: ['web:{{.Run.ID}}', 'web:{{.Run.Commit}}'],
      isPushEnabled: true,
    },
    trigger: {
      sourceTriggers: [
        {
          name: 'commits',
          sourceRepository: {
            sourceControlType: 'Github',
            repositoryUrl: repoUrl,
            branch: 'main',
            sourceControlAuthProperties: { tokenType: 'PAT', token: 'ghp_loopTriggerSecret0001' },
          },
          sourceTriggerEvents: ['commit'],
          status: 'Enabled',
        },
      ],
      baseImageTrigger: { name: 'base-image', baseImageTriggerType: 'Runtime', status: 'Enabled' },
      timerTriggers: [{ name: 'nightly', schedule: '0 2 * * *', status: 'Enabled' }],
    },
    ...overrides,
  };
}

/** Polls `runs.get` until the run is over. */
function finished(runId: string): Promise<Run> {
  return finishedRun(client, rg, registry, runId);
}

/** The `Complete` metadata of the run's log blob, read as az reads it (a HEAD on the log link). */
async function logCompletion(runId: string): Promise<string | null> {
  const { logLink } = await client.runs.getLogSasUrl(rg, registry, runId);
  const head = await fetch(logLink!, { method: 'HEAD' });
  return head.headers.get('x-ms-meta-complete');
}

/** The digest the registry's data plane serves for `repo:tag`, through the real data-plane client. */
async function servedDigest(name: string, repo: string, tag: string): Promise<string> {
  const data = new ContainerRegistryClient(azure.registryData.endpoint(name), credential, {
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
  });
  return (await data.getArtifact(repo, tag).getTagProperties(tag)).digest;
}

describe('ACR runs that appear on their own', () => {
  it('a commit push: AutoBuild with the commit in sourceTrigger (no message), pushes the digests it reports', async () => {
    const runId = azure.acr.triggerCommit(registry, 'buildwebapp', { commitId: '3f2a9c1e' });
    let raw = '';
    const queued = await client.runs.get(rg, registry, runId, {
      onResponse: (r) => {
        raw = r.bodyAsText ?? '';
      },
    });
    expect(queued).toMatchObject({ runType: 'AutoBuild', task: 'buildwebapp', status: 'Queued' });
    expect(queued.sourceTrigger).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventType: 'Commit',
      commitId: '3f2a9c1e',
      repositoryUrl: repoUrl,
      branchName: 'main',
      providerType: 'Github',
    });
    const wire = (JSON.parse(raw) as { properties: Record<string, unknown> }).properties;
    expect(wire).not.toHaveProperty('imageUpdateTrigger');
    expect(wire).not.toHaveProperty('timerTrigger');
    expect(JSON.stringify(wire.sourceTrigger)).not.toMatch(/message/i);

    const done = await finished(runId);
    expect(done.status).toBe('Succeeded');
    expect(await logCompletion(runId)).toBe('successful');
    expect(done.outputImages!.map((i) => `${i.repository}:${i.tag}`)).toEqual([`web:${runId}`, 'web:3f2a9c1e']);
    for (const image of done.outputImages!) {
      expect(image.registry).toBe(`${registry}.azurecr.io`);
      expect(await servedDigest(registry, image.repository!, image.tag!)).toBe(image.digest);
    }
  });

  it('a commit push to a multi-step task runs it (AutoRun); a failing one ends with ACR’s failed', async () => {
    azure.acr.nextRunScenario({ outcome: 'Failed', errorMessage: 'failed during run, err: exit status 2' });
    const runId = azure.acr.triggerCommit(registry, 'multistep', { commitId: 'b00c1e5' });
    const done = await finished(runId);
    expect(done).toMatchObject({
      runType: 'AutoRun',
      task: 'multistep',
      status: 'Failed',
      runErrorMessage: 'failed during run, err: exit status 2',
      sourceTrigger: { eventType: 'Commit', commitId: 'b00c1e5' },
    });
    expect(done.outputImages).toBeUndefined();
    expect(await logCompletion(runId)).toBe('failed');
  });

  it('a base-image update: AutoBuild with imageUpdateTrigger naming the new base digest, which its registry now serves', async () => {
    const before = new Date();
    const runId = azure.acr.triggerBaseImageUpdate(registry, 'buildwebapp', {
      registry: `${baseRegistry}.azurecr.io`,
      repository: 'baseimages/node',
      tag: '20-alpine',
    });
    const run = await client.runs.get(rg, registry, runId);
    expect(run).toMatchObject({ runType: 'AutoBuild', task: 'buildwebapp' });
    expect(run.sourceTrigger).toBeUndefined();
    expect(run.timerTrigger).toBeUndefined();
    const trigger = run.imageUpdateTrigger!;
    expect(trigger.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(trigger.timestamp!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(trigger.images).toEqual([
      { registry: `${baseRegistry}.azurecr.io`, repository: 'baseimages/node', tag: '20-alpine', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
    ]);
    expect(await servedDigest(baseRegistry, 'baseimages/node', '20-alpine')).toBe(trigger.images![0]!.digest);

    const done = await finished(runId);
    expect(done.status).toBe('Succeeded');
    expect(await logCompletion(runId)).toBe('successful');
    // A given digest from a registry outside the emulator is reported as it is.
    const hub = azure.acr.triggerBaseImageUpdate(registry, 'buildwebapp', {
      registry: 'registry.hub.docker.com',
      repository: 'library/node',
      tag: '20',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    expect((await client.runs.get(rg, registry, hub)).imageUpdateTrigger!.images![0]).toMatchObject({
      registry: 'registry.hub.docker.com',
      digest: `sha256:${'a'.repeat(64)}`,
    });
  });

  it('a timer occurrence: a run with timerTrigger naming the timer and the occurrence', async () => {
    const at = new Date('2025-03-04T02:00:00.000Z');
    const runId = azure.acr.triggerTimer(registry, 'buildwebapp', { timer: 'nightly', at });
    const run = await client.runs.get(rg, registry, runId);
    expect(run).toMatchObject({
      runType: 'AutoBuild',
      task: 'buildwebapp',
      timerTrigger: { timerTriggerName: 'nightly', scheduleOccurrence: at.toISOString() },
    });
    expect(run.sourceTrigger).toBeUndefined();
    expect(run.imageUpdateTrigger).toBeUndefined();
    expect((await finished(runId)).status).toBe('Succeeded');
  });

  it('a manual run from the portal: QuickRun of the task, with no trigger', async () => {
    const runId = azure.acr.startManualRun(registry, 'buildwebapp');
    const done = await finished(runId);
    expect(done).toMatchObject({ runType: 'QuickRun', task: 'buildwebapp', status: 'Succeeded' });
    expect(done.sourceTrigger).toBeUndefined();
    expect(done.imageUpdateTrigger).toBeUndefined();
    expect(done.timerTrigger).toBeUndefined();
    expect(await servedDigest(registry, 'web', runId)).toBe(done.outputImages![0]!.digest);
  });

  it('refuses to fire a trigger the task does not have enabled', async () => {
    await client.tasks.beginCreateAndWait(
      rg,
      registry,
      'quiet-task',
      webTask({
        trigger: {
          baseImageTrigger: { name: 'base-image', baseImageTriggerType: 'Runtime', status: 'Disabled' },
          timerTriggers: [{ name: 'nightly', schedule: '0 2 * * *', status: 'Disabled' }],
        },
      }),
      poll,
    );
    expect(() => azure.acr.triggerBaseImageUpdate(registry, 'quiet-task', { registry: 'mcr.microsoft.com', repository: 'dotnet/runtime', tag: '8.0' })).toThrow(
      /no enabled base image trigger/,
    );
    expect(() => azure.acr.triggerTimer(registry, 'quiet-task')).toThrow(/no enabled timer trigger/);
    expect(() => azure.acr.triggerTimer(registry, 'buildwebapp', { timer: 'hourly' })).toThrow(/no enabled timer trigger named 'hourly'/);
    await client.tasks.beginUpdateAndWait(rg, registry, 'quiet-task', { status: 'Disabled' }, poll);
    expect(() => azure.acr.startManualRun(registry, 'quiet-task')).toThrow(/disabled/);
    expect(() => azure.acr.startManualRun(registry, 'ghost-task')).toThrow(/No task 'ghost-task'/);
  });

  it('lists every kind of run of the task, newest first, with what az shows as its trigger', async () => {
    const ids = [
      azure.acr.startManualRun(registry, 'buildwebapp'),
      azure.acr.triggerCommit(registry, 'buildwebapp', { commitId: 'c0ffee1' }),
      azure.acr.triggerTimer(registry, 'buildwebapp'),
      azure.acr.triggerBaseImageUpdate(registry, 'buildwebapp', { registry: 'mcr.microsoft.com', repository: 'dotnet/runtime', tag: '8.0' }),
    ];
    const listed: Run[] = [];
    for await (const run of client.runs.list(rg, registry, { filter: "TaskName eq 'buildwebapp'", top: 4 })) listed.push(run);
    expect(listed.map((r) => r.runId)).toEqual([...ids].reverse());
    // azure-cli acr/_format.py `_get_build_trigger`: the event type, else Timer, Image Update, Manual.
    const azTrigger = (r: Run) => r.sourceTrigger?.eventType ?? (r.timerTrigger ? 'Timer' : r.imageUpdateTrigger ? 'Image Update' : 'Manual');
    expect(listed.map(azTrigger)).toEqual(['Image Update', 'Timer', 'Commit', 'Manual']);
    await Promise.all(ids.map(finished));
  });
});
