/**
 * GraphApplications with the real Graph client against the emulator: calls that create or
 * remove secrets go out exactly once (no automatic retries), so the rotation job decides.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphApplications } from '../../../src/azure/graph/applications.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { rejection, startEmulator, tenant } from './setup.ts';

let azure: AzureEmulator;
let graph: GraphApplications;
let appId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  const started = await startEmulator();
  azure = started.azure;
  graph = new GraphApplications({ credential: started.credential, endpoint: azure.url });
});
afterAll(() => azure?.close());
beforeEach(() => {
  appId = azure.graph.addApplication({
    displayName: `app-${Math.random().toString(36).slice(2)}`,
    tenantId: tenant,
    passwordCredentials: [{ keyId: '0a0a0a0a-0000-4000-8000-000000000001', endDateTime: new Date(Date.now() + DAY) }],
  }).appId;
});

const posts = (verb: string) =>
  azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${verb}`) && r.path.includes(azure.graph.application(appId)!.id));

describe('GraphApplications: secrets change once per call', () => {
  it('reports a 503 that came after Graph created the secret, without sending addPassword again', async () => {
    const app = (await graph.find(appId))!;
    azure.failNext({ method: 'POST', path: /\/addPassword$/, status: 503, afterHandler: true });
    const error = await rejection(graph.addPassword(app, 'chatops-rotation-j000000000001'));
    expect(error).toBeInstanceOf(AzureOperationError);
    expect(error).toMatchObject({ transient: true, statusCode: 503 });
    expect(posts('addPassword')).toHaveLength(1);
    // The secret exists at Graph although the caller never saw it: the job's resume logic finds it by name.
    expect(azure.graph.application(appId)!.passwordCredentials.map((p) => p.displayName)).toContain('chatops-rotation-j000000000001');
  });

  it('hands a throttled addPassword back with Graph’s Retry-After instead of sleeping on it', async () => {
    const app = (await graph.find(appId))!;
    azure.failNext({ method: 'POST', path: /\/addPassword$/, status: 429, retryAfterSeconds: 7 });
    const error = await rejection(graph.addPassword(app, 'chatops-rotation-j000000000002'));
    expect(error).toMatchObject({ transient: true, statusCode: 429, retryAfterMs: 7000 });
    expect(posts('addPassword')).toHaveLength(1);
    expect(azure.graph.application(appId)!.passwordCredentials).toHaveLength(1);
  });

  it('sends removePassword once and reports a 504 when the secret is still there', async () => {
    const app = (await graph.find(appId))!;
    azure.failNext({ method: 'POST', path: /\/removePassword$/, status: 504 });
    const error = await rejection(graph.removePassword(app, '0a0a0a0a-0000-4000-8000-000000000001'));
    expect(error).toMatchObject({ transient: true, statusCode: 504 });
    expect(posts('removePassword')).toHaveLength(1);
    expect(azure.graph.application(appId)!.passwordCredentials).toHaveLength(1);
  });

  it('still waits out a throttled read by itself (reads are safe to repeat)', async () => {
    azure.graph.throttleNext(1, 1);
    expect((await graph.find(appId))?.appId).toBe(appId);
  });
});
