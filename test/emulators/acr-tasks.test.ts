/**
 * ACR Tasks in the Azure emulator, through the real `ContainerRegistryManagementClient`
 * (@azure/arm-containerregistry 11, api-version 2019-06-01-preview) and a real
 * `ClientSecretCredential`: create with a commit trigger (the git token goes in, never comes out
 * except through getDetails), ACR's 400 for an enabled trigger without a token, paged list, 404s,
 * update, delete, a manual run (`scheduleRun` TaskRunRequest) and a commit-triggered run.
 * Run with `node scripts/make-test-ca.ts test/.certs -- vitest run …`.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { DockerBuildStep, Run, Task } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { CONTEXT_DOWNLOAD_ERROR } from './azure/acr/private-repos.ts';
import { finishedRun, rejection, startEmulator, subscription } from '../integration/azure-adapters/setup.ts';

const rg = 'rg-acr-tasks';
const registry = 'contosotasks';
const poll = { updateIntervalInMs: 20 };
const GIT_TOKEN = 'ghp_commitTriggerSecret0001';
const repoUrl = 'https://github.com/contoso/web';

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let client: ContainerRegistryManagementClient;
let registryId: string;
let loginServer: string;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  ({ id: registryId, loginServer } = azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: registry }));
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: 'contosotaskpages' });
  azure.acr.timing.queuedMs = 100;
  azure.acr.timing.buildDurationMs = 400;
  azure.acr.timing.logLineIntervalMs = 50;
  client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
});
afterAll(() => azure?.close());

/** A Docker task that builds `web:{{.Run.ID}}` on every commit to `main`. */
function webTask(overrides: Partial<Task> = {}): Task {
  return {
    location: 'eastus',
    tags: { team: 'web' },
    platform: { os: 'Linux', architecture: 'amd64' },
    step: {
      type: 'Docker',
      contextPath: `${repoUrl}.git#main`,
      dockerFilePath: 'Dockerfile',
      imageNames: ['web:{{.Run.ID}}'],
      isPushEnabled: true,
      noCache: false,
      arguments: [
        { name: 'NODE_ENV', value: 'production', isSecret: false },
        { name: 'NPM_TOKEN', value: 'npm-secret-value', isSecret: true },
      ],
    } satisfies DockerBuildStep,
    trigger: {
      sourceTriggers: [
        {
          name: 'commits',
          sourceRepository: {
            sourceControlType: 'Github',
            repositoryUrl: repoUrl,
            branch: 'main',
            sourceControlAuthProperties: { tokenType: 'PAT', token: GIT_TOKEN },
          },
          sourceTriggerEvents: ['commit'],
          status: 'Enabled',
        },
      ],
      baseImageTrigger: { name: 'base-image', baseImageTriggerType: 'Runtime', status: 'Enabled' },
    },
    ...overrides,
  };
}

/** Requests to ARM paths under the test registry since `from`, as `METHOD /relative/path STATUS`. */
function armFlow(from: number): string[] {
  return azure.requests
    .slice(from)
    .filter((r) => r.kind === 'arm' && r.path.toLowerCase().startsWith(registryId.toLowerCase()))
    .map((r) => `${r.method} ${r.path.slice(registryId.length)} ${r.status}`);
}

async function armFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const { token } = (await credential.getToken(`${azure.url}/.default`))!;
  return fetch(`${azure.url}${path}?api-version=2019-06-01-preview`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

/** Polls `runs.get` until the run is over. */
function finished(runId: string): Promise<Run> {
  return finishedRun(client, rg, registry, runId);
}

describe('ACR tasks: create, get, getDetails', () => {
  it('creates a task with a commit trigger: the token reaches ACR, only getDetails gives it back', async () => {
    const from = azure.requests.length;
    let rawCreate = '';
    const created = await client.tasks.beginCreateAndWait(rg, registry, 'web-ci', webTask(), {
      ...poll,
      onResponse: (r) => {
        rawCreate = r.bodyAsText ?? '';
      },
    });
    // Synchronous 200, provisioningState Succeeded: the SDK's poller stops at the first answer.
    expect(armFlow(from)).toEqual(['PUT /tasks/web-ci 200']);
    const put = azure.requests.slice(from).find((r) => r.method === 'PUT')!;
    expect(put.query['api-version']).toBe('2019-06-01-preview');
    expect(put.body).toMatchObject({
      location: 'eastus',
      properties: { trigger: { sourceTriggers: [{ sourceRepository: { sourceControlAuthProperties: { tokenType: 'PAT', token: GIT_TOKEN } } }] } },
    });

    expect(created).toMatchObject({
      id: `${registryId}/tasks/web-ci`,
      name: 'web-ci',
      type: 'Microsoft.ContainerRegistry/registries/tasks',
      location: 'eastus',
      tags: { team: 'web' },
      provisioningState: 'Succeeded',
      status: 'Enabled',
      timeout: 3600,
      agentConfiguration: { cpu: 2 },
      platform: { os: 'Linux', architecture: 'amd64' },
      step: {
        type: 'Docker',
        dockerFilePath: 'Dockerfile',
        imageNames: ['web:{{.Run.ID}}'],
        isPushEnabled: true,
        noCache: false,
        contextPath: `${repoUrl}.git#main`,
      },
    });
    expect(created.creationDate).toBeInstanceOf(Date);
    expect((created.step as DockerBuildStep).arguments).toEqual([{ name: 'NODE_ENV', value: 'production', isSecret: false }]);
    expect(created.trigger!.sourceTriggers).toEqual([
      {
        name: 'commits',
        status: 'Enabled',
        sourceTriggerEvents: ['commit'],
        sourceRepository: { sourceControlType: 'Github', repositoryUrl: repoUrl, branch: 'main' },
      },
    ]);
    expect(created.trigger!.baseImageTrigger).toMatchObject({ name: 'base-image', baseImageTriggerType: 'Runtime', status: 'Enabled' });
    expect(rawCreate).not.toContain(GIT_TOKEN);
    expect(rawCreate).not.toContain('npm-secret-value');

    let rawGet = '';
    const got = await client.tasks.get(rg, registry, 'web-ci', {
      onResponse: (r) => {
        rawGet = r.bodyAsText ?? '';
      },
    });
    expect(got.trigger!.sourceTriggers![0]!.sourceRepository.sourceControlAuthProperties).toBeUndefined();
    expect(got.trigger!.sourceTriggers![0]!.sourceRepository.repositoryUrl).toBe(repoUrl);
    expect(rawGet).toContain('"sourceRepository"');
    expect(rawGet).not.toContain(GIT_TOKEN);
    expect(rawGet).not.toContain('sourceControlAuthProperties');
    expect(rawGet).not.toContain('npm-secret-value');

    const details = await client.tasks.getDetails(rg, registry, 'web-ci');
    expect(details.trigger!.sourceTriggers![0]!.sourceRepository.sourceControlAuthProperties).toEqual({ tokenType: 'PAT', token: GIT_TOKEN });
    expect((details.step as DockerBuildStep).arguments!.map((a) => a.name)).toEqual(['NODE_ENV', 'NPM_TOKEN']);
    expect(azure.count('POST', /\/tasks\/web-ci\/listDetails$/)).toBe(1);

    expect(azure.acr.task(registry, 'web-ci')).toMatchObject({
      id: `${registryId}/tasks/web-ci`,
      status: 'Enabled',
      timeout: 3600,
      hasGitToken: true,
      step: { type: 'Docker', imageNames: ['web:{{.Run.ID}}'], argumentNames: ['NODE_ENV', 'NPM_TOKEN'] },
      sourceTriggers: [
        {
          name: 'commits',
          sourceControlType: 'Github',
          repositoryUrl: repoUrl,
          branch: 'main',
          events: ['commit'],
          status: 'Enabled',
          tokenType: 'PAT',
          hasToken: true,
        },
      ],
    });
    expect(JSON.stringify(azure.acr.task(registry, 'web-ci'))).not.toContain(GIT_TOKEN);
    expect(azure.acr.taskGitToken(registry, 'web-ci')).toBe(GIT_TOKEN);
  });

  it('refuses an enabled source trigger without a git token with ARM 400 (ACR cannot register the webhook)', async () => {
    const noToken = webTask({
      trigger: {
        sourceTriggers: [
          { name: 'commits', sourceRepository: { sourceControlType: 'Github', repositoryUrl: repoUrl, branch: 'main' }, sourceTriggerEvents: ['commit'] },
        ],
      },
    });
    const refused = await rejection(client.tasks.beginCreateAndWait(rg, registry, 'no-token', noToken, poll));
    expect(refused).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect((refused as Error).message).toContain('git access token');
    expect(azure.acr.task(registry, 'no-token')).toBeUndefined();

    const raw = await armFetch('PUT', `${registryId}/tasks/no-token`, {
      location: 'eastus',
      properties: { platform: { os: 'Linux' }, step: noToken.step, trigger: noToken.trigger },
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ error: { code: 'InvalidParameter', message: expect.stringContaining("Source trigger 'commits' is enabled") } });

    // A disabled trigger needs no token.
    const disabled = await client.tasks.beginCreateAndWait(
      rg,
      registry,
      'no-token',
      webTask({
        trigger: {
          sourceTriggers: [
            { name: 'commits', sourceRepository: { sourceControlType: 'Github', repositoryUrl: repoUrl }, sourceTriggerEvents: ['commit'], status: 'Disabled' },
          ],
        },
      }),
      poll,
    );
    expect(disabled.trigger!.sourceTriggers![0]!.status).toBe('Disabled');
    expect(azure.acr.task(registry, 'no-token')!.hasGitToken).toBe(false);
    expect(azure.acr.taskGitToken(registry, 'no-token')).toBeUndefined();
  });

  it('refuses a missing location, step or platform and a bad name', async () => {
    const step = webTask().step;
    const cases: [string, unknown, string][] = [
      ['bad-1', { properties: { platform: { os: 'Linux' }, step } }, 'LocationRequired'],
      ['bad-2', { location: 'eastus', properties: { platform: { os: 'Linux' } } }, 'InvalidParameter'],
      ['bad-3', { location: 'eastus', properties: { step } }, 'InvalidParameter'],
      ['bad-4', { location: 'eastus', properties: { platform: { os: 'Linux' }, step, timeout: 60 } }, 'InvalidParameter'],
      ['bad-5', { location: 'eastus', properties: { platform: { os: 'Linux' }, step: { type: 'Docker', imageNames: ['x:1'] } } }, 'InvalidParameter'],
      ['abc', { location: 'eastus', properties: { platform: { os: 'Linux' }, step } }, 'InvalidParameter'],
    ];
    for (const [name, body, code] of cases) {
      const res = await armFetch('PUT', `${registryId}/tasks/${name}`, body);
      expect([name, res.status]).toEqual([name, 400]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      expect(azure.acr.task(registry, name)).toBeUndefined();
    }
  });
});

describe('ACR tasks: list, 404, update, delete', () => {
  it('pages the list with nextLink, by name', async () => {
    azure.acr.taskPageSize = 2;
    try {
      for (const name of ['task-e', 'task-c', 'task-a', 'task-d', 'task-b']) {
        await client.tasks.beginCreateAndWait(rg, 'contosotaskpages', name, webTask({ trigger: undefined }), poll);
      }
      const pages: string[][] = [];
      for await (const page of client.tasks.list(rg, 'contosotaskpages').byPage()) pages.push(page.map((t) => t.name!));
      expect(pages).toEqual([['task-a', 'task-b'], ['task-c', 'task-d'], ['task-e']]);
      const res = await armFetch(
        'GET',
        `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/contosotaskpages/tasks`,
      );
      const body = (await res.json()) as { value: unknown[]; nextLink?: string };
      expect(body.value).toHaveLength(2);
      expect(body.nextLink).toMatch(
        new RegExp(`^${azure.url}/subscriptions/.+/registries/contosotaskpages/tasks\\?api-version=2019-06-01-preview&%24skipToken=`),
      );
      expect(azure.acr.tasks('contosotaskpages').map((t) => t.name)).toEqual(['task-a', 'task-b', 'task-c', 'task-d', 'task-e']);
    } finally {
      azure.acr.taskPageSize = 20;
    }
    let raw = '';
    const listed: Task[] = [];
    for await (const t of client.tasks.list(rg, registry, {
      onResponse: (r) => {
        raw += r.bodyAsText ?? '';
      },
    }))
      listed.push(t);
    expect(listed.map((t) => t.name)).toContain('web-ci');
    expect(raw).not.toContain(GIT_TOKEN);
  });

  it("answers ARM's 404 envelope for an unknown task", async () => {
    const missing = await rejection(client.tasks.get(rg, registry, 'no-such-task'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect((missing as Error).message).toContain(`Microsoft.ContainerRegistry/registries/tasks/${registry}/no-such-task`);
    expect(await rejection(client.tasks.getDetails(rg, registry, 'no-such-task'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(await rejection(client.tasks.get(rg, 'nosuchregistry', 'web-ci'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const raw = await armFetch('GET', `${registryId}/tasks/no-such-task`);
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: { code: 'ResourceNotFound', message: expect.stringContaining(`under resource group '${rg}' was not found`) } });
  });

  it('updates a task: a trigger patched by name keeps its token unless a new one is given', async () => {
    await client.tasks.beginCreateAndWait(rg, registry, 'patch-me', webTask(), poll);
    const from = azure.requests.length;
    const updated = await client.tasks.beginUpdateAndWait(
      rg,
      registry,
      'patch-me',
      { timeout: 1800, trigger: { sourceTriggers: [{ name: 'commits', status: 'Disabled' }] } },
      poll,
    );
    expect(armFlow(from)).toEqual(['PATCH /tasks/patch-me 200']);
    expect(updated).toMatchObject({ timeout: 1800, provisioningState: 'Succeeded', step: { dockerFilePath: 'Dockerfile' } });
    expect(updated.trigger!.sourceTriggers![0]).toMatchObject({
      name: 'commits',
      status: 'Disabled',
      sourceRepository: { repositoryUrl: repoUrl, branch: 'main' },
    });
    expect(azure.acr.taskGitToken(registry, 'patch-me')).toBe(GIT_TOKEN);
    expect(() => azure.acr.triggerCommit(registry, 'patch-me', { commitId: 'c0ffee1' })).toThrow(/no enabled commit trigger/);

    await client.tasks.beginUpdateAndWait(
      rg,
      registry,
      'patch-me',
      { trigger: { sourceTriggers: [{ name: 'commits', status: 'Enabled', sourceRepository: { sourceControlAuthProperties: { token: 'ghp_rotated' } } }] } },
      poll,
    );
    expect(azure.acr.taskGitToken(registry, 'patch-me')).toBe('ghp_rotated');
    expect(azure.acr.task(registry, 'patch-me')!.sourceTriggers[0]).toMatchObject({ status: 'Enabled', tokenType: 'PAT', hasToken: true });
    expect(await rejection(client.tasks.beginUpdateAndWait(rg, registry, 'patch-me', { timeout: 10 }, poll))).toMatchObject({ statusCode: 400 });
    expect(azure.acr.task(registry, 'patch-me')!.timeout).toBe(1800);
  });

  it('deletes a task (200, then 204 when it is gone)', async () => {
    await client.tasks.beginCreateAndWait(rg, registry, 'delete-me', webTask(), poll);
    const from = azure.requests.length;
    await client.tasks.beginDeleteAndWait(rg, registry, 'delete-me', poll);
    expect(armFlow(from)).toEqual(['DELETE /tasks/delete-me 200']);
    expect(await rejection(client.tasks.get(rg, registry, 'delete-me'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(azure.acr.task(registry, 'delete-me')).toBeUndefined();
    expect((await armFetch('DELETE', `${registryId}/tasks/delete-me`)).status).toBe(204);
    expect(await rejection(client.registries.beginScheduleRunAndWait(rg, registry, { type: 'TaskRunRequest', taskId: 'delete-me' }, poll))).toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });
});

describe('ACR tasks: runs', () => {
  it('runs a task on demand with scheduleRun TaskRunRequest; the run reaches Succeeded', async () => {
    const from = azure.requests.length;
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, { type: 'TaskRunRequest', taskId: 'web-ci' }, poll);
    expect(armFlow(from)).toEqual(['POST /scheduleRun 200']);
    expect(azure.requests.slice(from).find((r) => r.method === 'POST')!.body).toEqual({ type: 'TaskRunRequest', taskId: 'web-ci' });
    expect(queued).toMatchObject({ status: 'Queued', task: 'web-ci', runType: 'QuickRun', platform: { os: 'Linux', architecture: 'amd64' } });
    expect(queued.sourceTrigger).toBeUndefined();
    const runId = queued.runId!;

    const done = await finished(runId);
    expect(done).toMatchObject({ runId, status: 'Succeeded', task: 'web-ci', runType: 'QuickRun' });
    expect(done.outputImages).toEqual([{ registry: loginServer, repository: 'web', tag: runId, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }]);
    expect(azure.acr.log(runId)).toContain(`Run ID: ${runId} was successful after`);

    // A full ARM id works too; an unknown task is ARM's 404.
    const byId = await client.registries.beginScheduleRunAndWait(rg, registry, { type: 'TaskRunRequest', taskId: `${registryId}/tasks/web-ci` }, poll);
    expect(byId).toMatchObject({ task: 'web-ci', status: 'Queued' });
    expect(byId.runId).not.toBe(runId);
    const unknown = await rejection(client.registries.beginScheduleRunAndWait(rg, registry, { type: 'TaskRunRequest', taskId: 'ghost-task' }, poll));
    expect(unknown).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect((unknown as Error).message).toContain(`Microsoft.ContainerRegistry/registries/tasks/${registry}/ghost-task`);
    const foreign = await rejection(
      client.registries.beginScheduleRunAndWait(
        rg,
        registry,
        { type: 'TaskRunRequest', taskId: `${registryId.replace(registry, 'contosotaskpages')}/tasks/task-a` },
        poll,
      ),
    );
    expect(foreign).toMatchObject({ statusCode: 400 });
  });

  it('triggerCommit makes an AutoBuild run with the commit in sourceTrigger, listed by runs.list', async () => {
    const runId = azure.acr.triggerCommit(registry, 'web-ci', { commitId: '3f2a9c1e' });
    const listed: Run[] = [];
    let raw = '';
    for await (const run of client.runs.list(rg, registry, {
      onResponse: (r) => {
        raw += r.bodyAsText ?? '';
      },
    }))
      listed.push(run);
    const run = listed.find((r) => r.runId === runId)!;
    expect(run).toMatchObject({ runType: 'AutoBuild', task: 'web-ci', status: 'Queued' });
    expect(run.sourceTrigger).toEqual({
      id: expect.any(String),
      eventType: 'Commit',
      commitId: '3f2a9c1e',
      repositoryUrl: repoUrl,
      branchName: 'main',
      providerType: 'Github',
    });
    const wire = (JSON.parse(raw) as { value: { properties: Record<string, unknown> }[] }).value.find((r) => r.properties.runId === runId)!;
    expect(wire.properties).toMatchObject({
      runType: 'AutoBuild',
      task: 'web-ci',
      sourceTrigger: { eventType: 'Commit', commitId: '3f2a9c1e', providerType: 'Github' },
    });

    const done = await finished(runId);
    expect(done).toMatchObject({ status: 'Succeeded', runType: 'AutoBuild', sourceTrigger: { commitId: '3f2a9c1e' } });
    expect(done.outputImages!.map((i) => `${i.repository}:${i.tag}`)).toEqual([`web:${runId}`]);
    expect(azure.acr.run(runId, registry)).toMatchObject({ properties: { runType: 'AutoBuild', task: 'web-ci' } });

    // $filter by task name: only this task's runs, quick builds excluded.
    await client.registries.beginScheduleRunAndWait(
      rg,
      registry,
      {
        type: 'DockerBuildRequest',
        dockerFilePath: 'Dockerfile',
        imageNames: ['quick:1'],
        isPushEnabled: true,
        platform: { os: 'Linux' },
        sourceLocation: 'source/x.tar.gz',
      },
      poll,
    );
    const filtered: Run[] = [];
    for await (const r of client.runs.list(rg, registry, { filter: "TaskName eq 'web-ci'" })) filtered.push(r);
    expect(filtered.length).toBeGreaterThanOrEqual(3);
    expect(filtered.every((r) => r.task === 'web-ci')).toBe(true);
    expect(filtered.map((r) => r.runId)).toContain(runId);
    const autoOnly: Run[] = [];
    for await (const r of client.runs.list(rg, registry, { filter: "RunType eq 'AutoBuild'" })) autoOnly.push(r);
    expect(autoOnly.map((r) => r.runId)).toEqual([runId]);
  });

  it('refuses to trigger a task without a matching enabled commit trigger', async () => {
    await client.tasks.beginCreateAndWait(rg, registry, 'no-trigger', webTask({ trigger: undefined }), poll);
    expect(() => azure.acr.triggerCommit(registry, 'no-trigger', { commitId: 'abc' })).toThrow(/no enabled commit trigger/);
    expect(() => azure.acr.triggerCommit(registry, 'web-ci', { commitId: 'abc', branch: 'feature/x' })).toThrow(/branch 'feature\/x'/);
    expect(() => azure.acr.triggerCommit(registry, 'no-token', { commitId: 'abc' })).toThrow(/no enabled commit trigger/);
    expect(() => azure.acr.triggerCommit(registry, 'ghost-task', { commitId: 'abc' })).toThrow(/No task/);
    const before = azure.acr.runs(registry).length;
    const runId = azure.acr.triggerCommit(registry, 'web-ci', { commitId: 'abc', branch: 'main' });
    expect(azure.acr.runs(registry)).toHaveLength(before + 1);
    expect(azure.acr.run(runId, registry)!.properties.sourceTrigger).toMatchObject({ branchName: 'main', commitId: 'abc' });
  });

  it('fails a run of a private repository while downloading its source, as ACR does, unless its task carries a token that clones it', async () => {
    const privateRepo = 'https://github.com/contoso/private-app.git';
    azure.acr.addPrivateRepository(privateRepo, ['ghp_canReadPrivateApp']);
    const waitForEnd = async (runId: string) => {
      for (let i = 0; i < 100 && !['Succeeded', 'Failed'].includes(azure.acr.run(runId, registry)?.properties.status ?? ''); i++)
        await new Promise((r) => setTimeout(r, 20));
      return azure.acr.run(runId, registry)!;
    };
    // A quick build has no git credential field: it cannot clone a private repository.
    const quick = await client.registries.beginScheduleRunAndWait(
      rg,
      registry,
      {
        type: 'DockerBuildRequest',
        imageNames: ['private:v1'],
        dockerFilePath: 'Dockerfile',
        platform: { os: 'Linux' },
        sourceLocation: `${privateRepo}#main`,
      },
      poll,
    );
    const failed = await waitForEnd(quick.runId!);
    expect(failed.properties).toMatchObject({ status: 'Failed', runErrorMessage: CONTEXT_DOWNLOAD_ERROR });
    expect(azure.acr.log(quick.runId!, registry)).toMatch(
      /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Downloading source code\.\.\.\r\nRun ID: \w+ failed after \d+s\. Error: failed to download context\. Please check if the URL is incorrect\. If it has credentials, please check if they are expired\r\n$/,
    );

    const task = (token: string): Task =>
      webTask({
        trigger: undefined,
        step: {
          type: 'Docker',
          contextPath: `${privateRepo}#main`,
          contextAccessToken: token,
          dockerFilePath: 'Dockerfile',
          imageNames: ['private:{{.Run.ID}}'],
          isPushEnabled: true,
        } satisfies DockerBuildStep,
      });
    await client.tasks.beginCreateAndWait(rg, registry, 'private-ok', task('ghp_canReadPrivateApp'), poll);
    await client.tasks.beginCreateAndWait(rg, registry, 'private-bad', task('ghp_revoked'), poll);
    const ok = await client.registries.beginScheduleRunAndWait(rg, registry, { type: 'TaskRunRequest', taskId: 'private-ok' }, poll);
    const bad = await client.registries.beginScheduleRunAndWait(rg, registry, { type: 'TaskRunRequest', taskId: 'private-bad' }, poll);
    expect((await waitForEnd(ok.runId!)).properties.status).toBe('Succeeded');
    expect((await waitForEnd(bad.runId!)).properties).toMatchObject({ status: 'Failed', runErrorMessage: CONTEXT_DOWNLOAD_ERROR });
    expect(azure.acr.log(ok.runId!, registry)).toContain('Finished downloading source code');
  });
});
