/**
 * Expiry scan of N app registrations against the Graph emulator: the real Graph adapter and
 * scan job (in this process), real Redis for the alert ledger. Reports Graph requests and time.
 */
import { ClientSecretCredential } from '@azure/identity';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createExpiryScanJob } from '../jobs/expiry-scan.ts';
import { GraphApplications } from '../src/azure/graph/applications.ts';
import { credentialsSchema } from '../src/config/credentials-settings.ts';
import type { JobCard } from '../src/core/card.ts';
import type { ExpiryScanJobData } from '../src/core/credentials/jobs.ts';
import { RedisRotationClaims } from '../src/queue/rotation-claims.ts';
import { RedisAlertLedger } from '../src/queue/credential-alerts.ts';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';

const DAY = 86_400_000;

export async function expiryScanBench(redisUrl: string, opts: { apps: number }) {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const azure = await startAzureEmulator();
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const client = 'a1b2c3d4-0000-4000-8000-00000000c11e';
  azure.identity.addClient(tenant, client, 'bench-secret');
  azure.graph.addApplications(opts.apps, (i) => ({
    displayName: `app-${i}`,
    tenantId: tenant,
    passwordCredentials: [
      { displayName: 'ci', endDateTime: new Date(Date.now() + ((i * 7919) % 400) * DAY) },
      ...(i % 3 === 0 ? [{ displayName: 'deploy', endDateTime: new Date(Date.now() + ((i * 104729) % 900) * DAY) }] : []),
    ],
  }));
  const credential = new ClientSecretCredential(tenant, client, 'bench-secret', { authorityHost: azure.url, disableInstanceDiscovery: true });
  const cards: JobCard[] = [];
  const job = createExpiryScanJob({
    applications: new GraphApplications({ credential, endpoint: azure.url }),
    registryTokens: { list: async () => [], generate: async () => ({ value: '' }), keepOnly: async () => {}, verify: async () => 'ok' },
    environments: {},
    ledger: new RedisAlertLedger(redis),
    reporter: { openCard: async (c) => void cards.push(c), updateCard: async () => {}, post: async () => {}, deliveryOf: async () => 'delivered' },
    replies: { reply: async () => {} },
    jobs: { submit: async () => {}, get: async () => undefined, wake: async () => {} },
    rotations: new RedisRotationClaims(redis),
    credentials: credentialsSchema.parse({ alertChannel: 'C0ALERTS', keyVaultUrl: 'https://ops.vault.azure.net' }),
    teamId: 'T0TEAM',
  });
  // A warm-up token, so the figure is the scan, not the first sign-in.
  await credential.getToken(`${azure.url}/.default`);
  azure.reset();
  let data: ExpiryScanJobData = { jobId: 'bench', trigger: 'schedule', phase: 'new' };
  const started = performance.now();
  await job({
    id: 'bench-scan',
    data,
    attemptsMade: 0,
    maxAttempts: 5,
    log: pino({ level: 'silent' }),
    save: async (d) => {
      data = d;
    },
    wakeAfter: async () => {
      throw new Error('the scan should not wait');
    },
  });
  const ms = performance.now() - started;
  const graphRequests = azure.requests.filter((r) => r.path.startsWith('/v1.0/')).length;
  const alerted = data.alerted?.length ?? 0;
  await azure.close();
  redis.disconnect();
  return { apps: opts.apps, ms, graphRequests, alerted, cards: cards.length };
}
