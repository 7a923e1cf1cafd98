import { ClientSecretCredential } from '@azure/identity';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EntraRedisAuth } from '../../src/queue/redis-entra-auth.ts';
import { createRedis } from '../../src/queue/redis.ts';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure/index.ts';
import { startRedisEntraGate } from '../emulators/redis-entra-gate.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const client = 'a1b2c3d4-0000-4000-8000-00000000c11e';
let server: OwnRedis | undefined;
let azure: AzureEmulator | undefined;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await server?.stop();
  await azure?.close();
  server = undefined;
  azure = undefined;
});

function connection(url: string, use: 'producer' | 'worker', entra?: EntraRedisAuth): Redis {
  const redis = createRedis(url, use, entra);
  redis.on('error', () => {});
  cleanups.push(() => redis.disconnect());
  return redis;
}

async function authCalls(admin: Redis): Promise<number> {
  const stats = (await admin.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_auth:'));
  return Number(/calls=(\d+)/.exec(stats ?? '')?.[1] ?? 0);
}

describe('Redis connections', () => {
  it('use TLS for rediss:// and the user name and password in the URL', async () => {
    server = await startOwnRedis({ tls: true });
    const admin = connection(server.url, 'worker');
    await admin.call('ACL', 'SETUSER', 'chatops', 'on', '>s3cret-pass', '~*', '&*', '+@all');
    await admin.call('ACL', 'SETUSER', 'default', 'off');
    const host = server.url.replace('rediss://', '');
    const bot = connection(`rediss://chatops:s3cret-pass@${host}`, 'producer');
    await new Promise((r) => bot.once('ready', r));
    expect(await bot.call('ACL', 'WHOAMI')).toBe('chatops');
    const wrong = new Redis(`rediss://chatops:wrong@${host}`, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const refused = new Promise<Error>((resolve) => wrong.on('error', resolve));
    await wrong.connect().catch(() => {});
    expect((await refused).message).toMatch(/WRONGPASS/);
    wrong.disconnect();
  });

  it('sign in with the Azure identity’s Entra token and AUTH again with a fresh one on live connections before it expires', async () => {
    server = await startOwnRedis({ tls: true });
    azure = await startAzureEmulator();
    azure.identity.tokenLifetimeSeconds = 4;
    azure.identity.addClient(tenant, client, 'redis-secret');
    const admin = connection(server.url, 'worker');
    await new Promise((r) => admin.once('ready', r));
    const gate = startRedisEntraGate(admin, azure.identity);
    cleanups.push(() => gate.close());
    await admin.call('ACL', 'SETUSER', 'admin', 'on', '>admin-pass', '~*', '&*', '+@all');
    await admin.call('ACL', 'SETUSER', 'default', 'off');

    const credential = new ClientSecretCredential(tenant, client, 'redis-secret', { authorityHost: azure.url, disableInstanceDiscovery: true });
    const entra = new EntraRedisAuth({ credential, logger: pino({ level: 'silent' }) });
    await entra.start();
    cleanups.push(() => entra.stop());
    await new Promise((r) => setTimeout(r, 300)); // the gate learns the first token
    const worker = connection(server.url, 'worker', entra);
    const blocking = worker.duplicate(); // what BullMQ does for its blocking connection
    blocking.on('error', () => {});
    cleanups.push(() => blocking.disconnect());
    await Promise.all([new Promise((r) => worker.once('ready', r)), new Promise((r) => blocking.once('ready', r))]);
    const [oid] = gate.users();
    expect(await worker.call('ACL', 'WHOAMI')).toBe(oid);
    expect(await blocking.call('ACL', 'WHOAMI')).toBe(oid);
    const ids = [await worker.client('ID'), await blocking.client('ID')];
    const authBefore = await authCalls(admin);

    // Two token lifetimes later both connections are the same ones, re-authenticated more than once.
    await new Promise((r) => setTimeout(r, 9000));
    expect([await worker.client('ID'), await blocking.client('ID')]).toEqual(ids);
    expect(await authCalls(admin)).toBeGreaterThanOrEqual(authBefore + 4);
    expect(await worker.set('k', 'v')).toBe('OK');

    // A reconnection (Azure closing it, a failover) signs in with the current token, not the first, long expired one.
    await admin.client('KILL', 'USER', oid!);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await worker.get('k')).toBe('v');
    expect(await blocking.call('ACL', 'WHOAMI')).toBe(oid);
  });
});
