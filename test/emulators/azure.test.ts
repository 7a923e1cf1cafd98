/**
 * The Azure emulator against the real SDKs: `ClientSecretCredential` (MSAL node) for Entra ID,
 * `ContainerRegistryManagementClient` 11.x for ACR runs, `fetch` for the log blob. Run with
 * `NODE_EXTRA_CA_CERTS=$PWD/test/.certs/ca.pem` (after `node scripts/make-test-ca.ts`).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { DockerBuildRequest, Run } from '@azure/arm-containerregistry';
import { isRestError } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt, ensureTestCa, startAzureEmulator } from './azure/index.ts';
import type { AzureEmulator } from './azure/index.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = 'a1b2c3d4-0000-4000-8000-00000000c11e';
const secret = 'emulator-test-secret';
const subscription = '00000000-0000-0000-0000-000000000001';
const rg = 'rg-dev';
const registry = 'contosodev';
const source = 'https://github.com/org/app.git#main:src';

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let client: ContainerRegistryManagementClient;

function buildRequest(images: string[]): DockerBuildRequest {
  return {
    type: 'DockerBuildRequest',
    imageNames: images,
    isPushEnabled: true,
    noCache: false,
    dockerFilePath: 'Dockerfile',
    platform: { os: 'Linux', architecture: 'amd64' },
    sourceLocation: source,
    isArchiveEnabled: false,
  };
}

async function waitForRun(runId: string, done: (run: Run) => boolean, timeoutMs = 10_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.runs.get(rg, registry, runId);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Follows a log blob like `az acr build`: HEAD for length and `Complete`, ranged GETs for new bytes. */
async function followLog(logLink: string): Promise<{ text: string; complete: string; lengthsSeen: Set<number> }> {
  let text = '';
  const lengthsSeen = new Set<number>();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const head = await fetch(logLink, { method: 'HEAD' });
    if (head.status === 404) {
      expect(head.headers.get('x-ms-error-code')).toBe('BlobNotFound');
    } else {
      expect(head.status).toBe(200);
      expect(head.headers.get('x-ms-blob-type')).toBe('AppendBlob');
      const length = Number(head.headers.get('content-length'));
      lengthsSeen.add(length);
      const offset = Buffer.byteLength(text);
      if (offset < length) {
        const part = await fetch(logLink, { headers: { Range: `bytes=${offset}-` } });
        expect(part.status).toBe(206);
        // The blob may have grown since the HEAD: the range runs to its current end.
        const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(part.headers.get('content-range') ?? '');
        expect(range?.slice(1).map(Number)).toEqual([offset, Number(range?.[3]) - 1, Number(range?.[3])]);
        expect(Number(range?.[3])).toBeGreaterThanOrEqual(length);
        text += Buffer.from(await part.arrayBuffer()).toString('utf8');
      }
      const complete = head.headers.get('x-ms-meta-complete');
      if (complete && Buffer.byteLength(text) === length) return { text, complete, lengthsSeen };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('log never completed');
}

beforeAll(async () => {
  azure = await startAzureEmulator({ queuedMs: 300, buildDurationMs: 1500, logLineIntervalMs: 100 });
  azure.identity.addClient(tenant, clientId, secret);
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: registry });
  credential = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true });
  client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
});

afterAll(async () => {
  await azure?.close();
});

beforeEach(() => {
  azure.reset();
  azure.acr.timing.cancelDelayMs = 0;
});

describe('test CA', () => {
  it('creates a CA and a localhost certificate once, and keeps valid files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'azure-ca-'));
    const first = ensureTestCa(dir);
    const server = new X509Certificate(readFileSync(first.certPath));
    const ca = new X509Certificate(readFileSync(first.caPath));
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    const mtime = statSync(first.certPath).mtimeMs;
    const second = ensureTestCa(dir);
    expect(second).toEqual(first);
    expect(statSync(second.certPath).mtimeMs).toBe(mtime);
  });
});

describe('Entra ID', () => {
  it('issues a token to the real ClientSecretCredential (MSAL) after OpenID discovery', async () => {
    const fresh = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true });
    const token = await fresh.getToken(`${azure.url}/.default`);
    expect(token.token.split('.')).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(decodeJwt(token.token)).toMatchObject({ aud: azure.url, tid: tenant, azp: clientId });
    expect(azure.count('GET', new RegExp(`^/${tenant}/v2\\.0/\\.well-known/openid-configuration$`))).toBe(1);
    const tokenRequests = azure.requests.filter((r) => r.method === 'POST' && r.path === `/${tenant}/oauth2/v2.0/token`);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: clientId, scope: `${azure.url}/.default` });
    expect(azure.identity.issued().some((t) => t.accessToken === token.token)).toBe(true);
  });

  it('answers a wrong secret with AADSTS7000215 and the SDK surfaces it', async () => {
    const wrong = new ClientSecretCredential(tenant, clientId, 'not-the-secret', { authorityHost: azure.url, disableInstanceDiscovery: true });
    await expect(wrong.getToken(`${azure.url}/.default`)).rejects.toThrow(/AADSTS7000215/);
    const attempt = azure.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(attempt?.status).toBe(401);
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await fetch(`${azure.url}/00000000-dead-beef-0000-000000000000/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: `${azure.url}/.default` }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
  });
});

describe('ARM', () => {
  const registryPath = `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${registry}`;

  it('refuses requests without a token, or with one it did not issue, in ARM’s envelope', async () => {
    const url = `${azure.url}${registryPath}?api-version=2025-11-01`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('AuthenticationFailed');
    const forged = await fetch(url, { headers: { authorization: 'Bearer eyJ0eXAiOiJKV1QifQ.e30.c2ln' } });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
    expect(forged.headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the registry (api-version 2025-11-01) with its login server and ARM’s common headers', async () => {
    let headers: { get(name: string): string | undefined } | undefined;
    const found = await client.registries.get(rg, registry, { onResponse: (raw) => (headers = raw.headers) });
    expect(found.name).toBe(registry);
    expect(found.loginServer).toBe('contosodev.azurecr.io');
    expect(found.sku.name).toBe('Standard');
    expect(azure.requests.find((r) => r.path === registryPath)?.query['api-version']).toBe('2025-11-01');
    expect(headers?.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers?.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(headers?.get('x-ms-ratelimit-remaining-subscription-reads'))).toBeGreaterThan(0);
  });

  it('answers an unknown registry with 404 ResourceNotFound', async () => {
    const error = await client.runs.get(rg, 'nosuchregistry', 'ca1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRestError(error)).toBe(true);
    if (!isRestError(error)) return;
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ResourceNotFound');
    expect(error.message).toContain("The Resource 'Microsoft.ContainerRegistry/registries/nosuchregistry' under resource group 'rg-dev' was not found");
  });
});

describe('ACR quick build', () => {
  it('schedules a build, follows it through runs.get and the log blob, and reports the pushed image', async () => {
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['web:{{.Run.ID}}', 'web:latest']));
    expect(queued.status).toBe('Queued');
    expect(queued.runId).toMatch(/^ca\d+$/);
    expect(queued.runType).toBe('QuickBuild');
    expect(azure.count('POST', /\/scheduleRun$/)).toBe(1);
    expect(azure.requests.find((r) => r.path.endsWith('/scheduleRun'))?.query['api-version']).toBe('2019-06-01-preview');
    const runId = queued.runId!;

    const { logLink } = await client.runs.getLogSasUrl(rg, registry, runId);
    expect(logLink).toMatch(new RegExp(`^${azure.url}/acrlogs/contosodev/logs/${runId}/rawtext\\.log\\?sv=2019-02-02&sr=b&sig=[^&]+&se=[^&]+&sp=r$`));
    const log = await followLog(logLink!);
    expect(log.complete).toBe('successful');
    expect(log.lengthsSeen.size).toBeGreaterThan(2); // the blob grew while the run ran
    expect(log.text).toContain('Step 1/6 : FROM node:20-alpine');
    expect(log.text).toContain(' ---> Running in ');
    expect(log.text).toContain(`Successfully pushed image: contosodev.azurecr.io/web:${runId}`);
    expect(log.text.trimEnd().split('\r\n').at(-1)).toMatch(new RegExp(`^Run ID: ${runId} was successful after \\d+s$`));

    const done = await client.runs.get(rg, registry, runId);
    expect(done.status).toBe('Succeeded');
    expect(done.startTime!.getTime()).toBeGreaterThanOrEqual(done.createTime!.getTime() + 250);
    expect(done.finishTime!.getTime()).toBeGreaterThan(done.startTime!.getTime());
    expect(done.outputImages).toHaveLength(2);
    expect(done.outputImages![0]).toMatchObject({ registry: 'contosodev.azurecr.io', repository: 'web', tag: runId });
    expect(done.outputImages![0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // Blob reads are Storage requests, not ARM ones.
    const blobReads = azure.requestsOf('blob');
    expect(blobReads.length).toBeGreaterThan(2);
    expect(blobReads.every((r) => r.path.startsWith('/acrlogs/'))).toBe(true);
    expect(azure.requestsOf('arm').every((r) => r.path.startsWith('/subscriptions/'))).toBe(true);

    const whole = await fetch(logLink!);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe(log.text);
    const past = await fetch(logLink!, { headers: { Range: `bytes=${Buffer.byteLength(log.text)}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('x-ms-error-code')).toBe('InvalidRange');
    const forged = await fetch(logLink!.replace(/sig=[^&]+/, 'sig=forged'), { method: 'GET' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('<Code>AuthenticationFailed</Code>');
  });

  it('fails a run whose image name contains "fail", with a realistic log and runErrorMessage', async () => {
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['will-fail:v1']));
    const { logLink } = await client.runs.getLogSasUrl(rg, registry, queued.runId!);
    const log = await followLog(logLink!);
    expect(log.complete).toBe('failed');
    expect(log.text).toContain("The command '/bin/sh -c npm ci' returned a non-zero code: 1");
    const run = await client.runs.get(rg, registry, queued.runId!);
    expect(run.status).toBe('Failed');
    expect(run.runErrorMessage).toBe('failed during run, err: exit status 1');
    expect(run.outputImages ?? []).toHaveLength(0);
  });

  it('gives a run scheduled with a logTemplate a logArtifactLink, read whole with one GET once the run is over', async () => {
    azure.acr.nextRunScenario({ outcome: 'Succeeded', queuedMs: 0, durationMs: 300 });
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, { ...buildRequest(['web:artifact']), logTemplate: 'acr/logs:{{.Run.ID}}' });
    const links = await client.runs.getLogSasUrl(rg, registry, queued.runId!);
    expect(links.logLink).toContain('/acrlogs/');
    expect(links.logArtifactLink).toMatch(new RegExp(`^${azure.url}/acrlogartifacts/contosodev/${queued.runId}/rawtext\\.log\\?`));
    expect((await fetch(links.logArtifactLink!)).status).toBe(404); // not there while the run runs
    await waitForRun(queued.runId!, (r) => r.status === 'Succeeded');
    const whole = await fetch(links.logArtifactLink!);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toContain(`Run ID: ${queued.runId} was successful`);
    expect(
      (await client.runs.getLogSasUrl(rg, registry, (await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['web:plain']))).runId!))
        .logArtifactLink,
    ).toBeUndefined();
  });

  it('lists runs newest first with $filter, $top and nextLink paging', async () => {
    const since = new Date(); // earlier tests' runs were created before this
    azure.acr.nextRunScenario(
      { outcome: 'Succeeded', queuedMs: 60_000 },
      { outcome: 'Succeeded', queuedMs: 60_000 },
      { outcome: 'Succeeded', queuedMs: 60_000 },
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest([`list:${i}`]))).runId!);
    azure.acr.completeRun(ids[0]!, 'Failed');
    azure.acr.completeRun(ids[2]!, 'Failed');
    azure.acr.pageSize = 1;
    try {
      const failed: string[] = [];
      for await (const run of client.runs.list(rg, registry, { filter: `createTime ge ${since.toISOString()} and status eq 'Failed'` }))
        failed.push(run.runId!);
      expect(failed).toEqual([ids[2], ids[0]]);
      expect(azure.count('GET', /\/runs$/)).toBe(2); // one page per run, then no nextLink
      const recent: string[] = [];
      for await (const run of client.runs.list(rg, registry, { filter: `createTime ge ${since.toISOString()}`, top: 2 })) recent.push(run.runId!);
      expect(recent).toEqual([ids[2], ids[1]]);
    } finally {
      azure.acr.pageSize = 20;
      azure.acr.completeRun(ids[1]!, 'Canceled');
    }
  });

  it('cancels a queued run with beginCancelAndWait (200) and completes its log as canceled', async () => {
    azure.acr.nextRunScenario({ outcome: 'Succeeded', queuedMs: 60_000 });
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['web:cancel-me']));
    const { logLink } = await client.runs.getLogSasUrl(rg, registry, queued.runId!);
    const before = await fetch(logLink!, { method: 'HEAD' });
    expect(before.status).toBe(404);
    expect(before.headers.get('x-ms-error-code')).toBe('BlobNotFound');

    await client.runs.beginCancelAndWait(rg, registry, queued.runId!);
    const run = await client.runs.get(rg, registry, queued.runId!);
    expect(run.status).toBe('Canceled');
    const log = await followLog(logLink!);
    expect(log.complete).toBe('canceled');
    expect(log.text).toContain(`Run ID: ${queued.runId} was canceled after`);
  });

  it('polls a 202 cancel through its Location until the running run is Canceled', async () => {
    azure.acr.timing.cancelDelayMs = 400;
    azure.acr.nextRunScenario({ outcome: 'Succeeded', queuedMs: 0, durationMs: 60_000 });
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['web:slow']));
    await waitForRun(queued.runId!, (r) => r.status === 'Running');
    await client.runs.beginCancelAndWait(rg, registry, queued.runId!, { updateIntervalInMs: 100 });
    expect(azure.requests.find((r) => r.path.endsWith('/cancel'))?.status).toBe(202);
    expect(azure.count('GET', /\/operationResults\//)).toBeGreaterThanOrEqual(1);
    expect((await client.runs.get(rg, registry, queued.runId!)).status).toBe('Canceled');
    const log = azure.acr.log(queued.runId!);
    expect(log).toContain('Downloading source code...');
    expect(log).toMatch(/Received a cancellation request; stopping container: build\r\n\r\nRun ID: \w+ was canceled after \d+s\r\n$/);
  });
});

describe('fault injection', () => {
  it('answers 429 with Retry-After, which the SDK waits out and retries transparently', async () => {
    const queued = await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['web:throttled']));
    azure.reset();
    azure.failNext({ method: 'GET', path: /\/runs\/[^/]+$/, status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const run = await client.runs.get(rg, registry, queued.runId!);
    expect(run.runId).toBe(queued.runId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const statuses = azure.requests.filter((r) => r.path.endsWith(`/runs/${queued.runId}`)).map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
  });

  it('words injected errors like ARM', async () => {
    azure.failNext({ status: 503, times: 1 });
    const { token } = await credential.getToken(`${azure.url}/.default`);
    const res = await fetch(
      `${azure.url}/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${registry}/runs?api-version=2019-06-01-preview`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ServiceUnavailable');
    expect(res.headers.get('x-ms-ratelimit-remaining-subscription-reads')).not.toBeNull();
  });

  it('can lose the answer after the work is done: a retried scheduleRun makes a second run', async () => {
    const before = azure.acr.runs(registry).length;
    azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 500, afterHandler: true });
    const run = await client.registries.beginScheduleRunAndWait(rg, registry, buildRequest(['web:twice']));
    expect(azure.requests.filter((r) => r.path.endsWith('/scheduleRun')).map((r) => r.status)).toEqual([500, 200]);
    expect(azure.acr.runs(registry).length).toBe(before + 2);
    expect(run.runId).toBe(azure.acr.runs(registry).at(-1)!.name);
  });
});
