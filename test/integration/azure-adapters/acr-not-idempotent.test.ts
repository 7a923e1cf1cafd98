/**
 * ARM calls that are not idempotent (`scheduleRun`, `generateCredentials`) go out once: when the
 * answer is lost, the SDK must not send the request again (a second build, a second password);
 * the job's own resume logic decides. Idempotent reads keep the SDK's retries.
 */
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AcrClients } from '../../../src/azure/acr-clients.ts';
import { AzureAcrBuilds } from '../../../src/azure/acr-builds.ts';
import { AzureRegistryTokens, toToken } from '../../../src/azure/acr-tokens.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { rejection, startEmulator, subscription } from './setup.ts';

const rg = 'rg-once';
const registry = 'contosoonce';
const target = { subscriptionId: subscription, resourceGroup: rg, registry };
const spec = {
  images: ['web:v1'],
  file: 'Dockerfile',
  buildArgs: [],
  platform: { os: 'Linux' as const, architecture: 'amd64' },
  noCache: false,
  sourceLocation: 'https://github.com/org/app.git',
};

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let builds: AzureAcrBuilds;
let tokens: AzureRegistryTokens;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: registry });
  const clients = new AcrClients({ credential, resourceManager: azure.url });
  builds = new AzureAcrBuilds(clients);
  tokens = new AzureRegistryTokens(clients);
});
afterAll(() => azure?.close());
beforeEach(() => azure.reset());

describe('non-idempotent ACR calls', () => {
  it('sends scheduleRun once when its answer is lost (5xx) or throttled (429), and says whether to retry', async () => {
    azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 503, afterHandler: true });
    const lost = await rejection(builds.scheduleDockerBuild(target, spec));
    expect(lost).toBeInstanceOf(AzureOperationError);
    expect((lost as AzureOperationError).transient).toBe(true);
    expect(azure.count('POST', /\/scheduleRun$/)).toBe(1);
    expect(azure.acr.runs(registry)).toHaveLength(1); // the run exists; only the answer was lost

    azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 429, retryAfterSeconds: 3 });
    const throttled = await rejection(builds.scheduleDockerBuild(target, spec));
    expect((throttled as AzureOperationError).retryAfterMs).toBe(3000);
    expect(azure.count('POST', /\/scheduleRun$/)).toBe(2);
  });

  it('sends generateCredentials once when its answer is lost', async () => {
    azure.acr.addToken(registry, 'ci-pull');
    const token = toToken({ id: azure.acr.token(registry, 'ci-pull')!.id, name: 'ci-pull', credentials: { passwords: [] } });
    azure.failNext({ method: 'POST', path: /\/generateCredentials$/, status: 503, afterHandler: true });
    const lost = await rejection(tokens.generate({ subscriptionId: subscription, resourceGroup: rg, name: registry }, token, 'password2'));
    expect((lost as AzureOperationError).transient).toBe(true);
    expect(azure.count('POST', /\/generateCredentials$/)).toBe(1);
  });

  it('still retries idempotent reads', async () => {
    const run = await builds.scheduleDockerBuild(target, spec);
    azure.failNext({ method: 'GET', path: /\/runs\/[^/]+$/, status: 503 });
    expect((await builds.getRun(target, run.runId)).runId).toBe(run.runId);
    expect(azure.requests.filter((r) => r.path.endsWith(`/runs/${run.runId}`)).map((r) => r.status)).toEqual([503, 200]);
  });
});
