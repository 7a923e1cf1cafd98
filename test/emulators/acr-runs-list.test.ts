/**
 * `runs.list` in the Azure emulator through the real `ContainerRegistryManagementClient`
 * (@azure/arm-containerregistry 11, api-version 2019-06-01-preview): the `$filter` forms the spec's
 * `RunFilter` allows and az sends (`TaskName eq`, `Status eq`, `contains(OutputImageManifests, …)`),
 * `and` / `or`, `$top`, newest first, `nextLink` paging that neither repeats nor skips a run when
 * new runs arrive between pages, and a 400 for the forms ACR does not take.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { Run, RunsListOptionalParams } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { rejection, startEmulator, subscription } from '../integration/azure-adapters/setup.ts';

const rg = 'rg-acr-runs';
const registry = 'contosoruns';
const poll = { updateIntervalInMs: 20 };

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let client: ContainerRegistryManagementClient;
/** Run ids by what they are, created once in `beforeAll`. */
const runs: Record<'apiOk' | 'apiFailed' | 'webOk' | 'quick' | 'apiQueued', string> = { apiOk: '', apiFailed: '', webOk: '', quick: '', apiQueued: '' };

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: registry });
  azure.acr.timing.queuedMs = 0;
  azure.acr.timing.buildDurationMs = 100;
  azure.acr.timing.logLineIntervalMs = 20;
  client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
  for (const [name, image] of [
    ['build-api', 'api:{{.Run.ID}}'],
    ['build-web', 'web:{{.Run.ID}}'],
  ] as const) {
    await client.tasks.beginCreateAndWait(
      rg,
      registry,
      name,
      {
        location: 'eastus',
        platform: { os: 'Linux' },
        step: { type: 'Docker', contextPath: 'https://github.com/contoso/app.git#main', dockerFilePath: 'Dockerfile', imageNames: [image] },
      },
      poll,
    );
  }
  runs.apiOk = azure.acr.startManualRun(registry, 'build-api');
  azure.acr.nextRunScenario({ outcome: 'Failed' });
  runs.apiFailed = azure.acr.startManualRun(registry, 'build-api');
  runs.webOk = azure.acr.startManualRun(registry, 'build-web');
  runs.quick = azure.acr.startRun(registry, { imageNames: ['tools:1'], isArchiveEnabled: true });
  for (const id of [runs.apiOk, runs.apiFailed, runs.webOk, runs.quick]) azure.acr.completeRun(id, id === runs.apiFailed ? 'Failed' : 'Succeeded', registry);
  azure.acr.nextRunScenario({ outcome: 'Succeeded', queuedMs: 3_600_000 });
  runs.apiQueued = azure.acr.startManualRun(registry, 'build-api');
});
afterAll(() => azure?.close());
afterEach(() => {
  azure.acr.pageSize = 20;
});

async function list(options: RunsListOptionalParams = {}): Promise<string[]> {
  const ids: string[] = [];
  for await (const run of client.runs.list(rg, registry, options)) ids.push(run.runId!);
  return ids;
}

describe('runs.list $filter', () => {
  it('takes the forms az sends: TaskName eq, Status eq, joined with and', async () => {
    expect(await list({ filter: "TaskName eq 'build-api'" })).toEqual([runs.apiQueued, runs.apiFailed, runs.apiOk]);
    expect(await list({ filter: "TaskName eq 'build-api' and Status eq 'Succeeded'" })).toEqual([runs.apiOk]);
    expect(await list({ filter: "Status eq 'Queued'" })).toEqual([runs.apiQueued]);
    // Field names as the spec spells them work too, and values compare without case.
    expect(await list({ filter: "taskName eq 'BUILD-WEB'" })).toEqual([runs.webOk]);
  });

  it("finds the run that pushed an image with az's contains(OutputImageManifests, 'repo@digest')", async () => {
    const pushed: Run = await client.runs.get(rg, registry, runs.webOk);
    const image = pushed.outputImages![0]!;
    expect(await list({ filter: `contains(OutputImageManifests, '${image.repository}@${image.digest}')` })).toEqual([runs.webOk]);
    // A failed run pushed nothing, so no manifest of it matches.
    expect(await list({ filter: `contains(OutputImageManifests, 'api@')` })).toEqual([runs.apiOk]);
  });

  it('takes or, parentheses, ne, runType, isArchiveEnabled and date-times', async () => {
    expect(await list({ filter: "TaskName eq 'build-web' or RunType eq 'QuickBuild'" })).toEqual([runs.quick, runs.webOk]);
    expect(await list({ filter: "(Status eq 'Failed' or Status eq 'Queued') and TaskName eq 'build-api'" })).toEqual([runs.apiQueued, runs.apiFailed]);
    expect(await list({ filter: "TaskName ne 'build-api' and isArchiveEnabled eq true" })).toEqual([runs.quick]);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect(await list({ filter: `createTime ge ${hourAgo} and TaskName eq 'build-api'` })).toEqual([runs.apiQueued, runs.apiFailed, runs.apiOk]);
    expect(await list({ filter: `createTime lt datetime'${hourAgo}'` })).toEqual([]);
    expect(await list({ filter: `finishTime le '${new Date().toISOString()}' and TaskName eq 'build-api'` })).toEqual([runs.apiFailed, runs.apiOk]);
  });

  it.each([
    ['startTime ge 2024-01-01T00:00:00Z', /startTime/], // not a RunFilter property
    ["not (Status eq 'Failed')", /logical operator 'not'/],
    ["startswith(TaskName, 'build')", /allowed string function is 'contains'/],
    ['createTime add 5 gt 2024-01-01T00:00:00Z', /Arithmetic operators are not supported/],
    ["createTime ge 'yesterday'", /not a valid date-time/],
    ['TaskName eq build-api', /single quotes/],
    ["TaskName eq 'build-api' and", /ends where a condition was expected/],
    ["contains(isArchiveEnabled, 'x')", /needs a string property/],
  ])('refuses %s with 400', async (filter, why) => {
    const refused = await rejection(list({ filter }));
    expect(refused).toMatchObject({ statusCode: 400, code: 'InvalidFilter' });
    expect((refused as Error).message).toMatch(why);
  });
});

describe('runs.list order and paging', () => {
  it('answers newest first, $top at most, one page of pageSize per call with a nextLink', async () => {
    azure.acr.pageSize = 2;
    const from = azure.requests.length;
    expect(await list()).toEqual([runs.apiQueued, runs.quick, runs.webOk, runs.apiFailed, runs.apiOk]);
    const pages = azure.requests.slice(from).filter((r) => r.path.endsWith('/runs'));
    expect(pages.map((r) => r.query.$skipToken === undefined)).toEqual([true, false, false]);
    expect(await list({ top: 3 })).toEqual([runs.apiQueued, runs.quick, runs.webOk]);
    const byPage = client.runs.list(rg, registry, { top: 3 }).byPage();
    expect(((await byPage.next()).value as Run[]).map((r) => r.runId)).toEqual([runs.apiQueued, runs.quick]);
    expect(((await byPage.next()).value as Run[]).map((r) => r.runId)).toEqual([runs.webOk]);
    expect((await byPage.next()).done).toBe(true);
  });

  it('neither repeats nor skips a run when a new one is created between two pages', async () => {
    azure.acr.pageSize = 2;
    const pages = client.runs.list(rg, registry, { filter: "TaskName eq 'build-api'" }).byPage();
    const first = ((await pages.next()).value as Run[]).map((r) => r.runId);
    const newer = azure.acr.startManualRun(registry, 'build-api');
    const rest: string[] = [];
    for (let page = await pages.next(); !page.done; page = await pages.next()) rest.push(...(page.value as Run[]).map((r) => r.runId!));
    expect([...first, ...rest]).toEqual([runs.apiQueued, runs.apiFailed, runs.apiOk]);
    expect(await list({ filter: "TaskName eq 'build-api'", top: 1 })).toEqual([newer]);
    azure.acr.completeRun(newer, 'Canceled', registry);
  });

  it('refuses a $top below 1 and a forged $skipToken', async () => {
    expect(await rejection(list({ top: 0 }))).toMatchObject({ statusCode: 400 });
    const { token } = (await credential.getToken(`${azure.url}/.default`))!;
    const forged = await fetch(
      `${azure.url}/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${registry}/runs?api-version=2019-06-01-preview&$skipToken=not-a-token`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('InvalidParameter');
  });
});
