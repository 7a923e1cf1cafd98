import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisEntraGate, type RedisEntraGate } from '../emulators/redis-entra-gate.ts';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';

let h: Harness | undefined;
let server: OwnRedis | undefined;
let admin: Redis | undefined;
let gate: RedisEntraGate | undefined;

afterEach(async () => {
  await h?.stop();
  gate?.close();
  admin?.disconnect();
  await server?.stop();
  h = server = admin = gate = undefined;
});

describe('REDIS_ENTRA_AUTH=true', () => {
  it('runs the product on a TLS Redis that only accepts Microsoft Entra tokens, through token renewals and dropped connections', async () => {
    server = await startOwnRedis({ tls: true });
    admin = new Redis(server.url);
    admin.on('error', () => {});
    await admin.call('ACL', 'SETUSER', 'default', 'on', '>admin-only', '~*', '&*', '+@all');
    const host = server.url.replace('rediss://', '');
    h = await startHarness({
      redisUrl: `rediss://default:admin-only@${host}`,
      env: { REDIS_URL: `rediss://${host}`, REDIS_ENTRA_AUTH: 'true' },
      azure: { queuedMs: 300, buildDurationMs: 9000, logLineIntervalMs: 300 },
      setup: (azure) => {
        azure.identity.tokenLifetimeSeconds = 5;
        gate = startRedisEntraGate(admin!, azure.identity);
      },
    });
    const [oid] = gate!.users();
    expect(oid).toMatch(/^[0-9a-f-]{36}$/);
    const clients = String(await admin.client('LIST'))
      .split('\n')
      .filter((l) => l.includes(` user=${oid} `));
    expect(clients.length).toBeGreaterThanOrEqual(3); // the bot's, the worker's, BullMQ's blocking ones

    const res = await h.command('build -t web:v1 https://github.com/org/app.git#main');
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    // Past the first token's life, Azure drops every connection (a failover): they come back with the current token.
    await new Promise((r) => setTimeout(r, 6000));
    await admin.client('KILL', 'USER', oid!);
    await h.slack.waitFor(
      () => JSON.stringify(h!.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId))?.blocks ?? []).includes('Succeeded'),
      30_000,
    );
    expect(h.logs.some((l) => l.includes('AUTH with the renewed token failed'))).toBe(false);
  });
});
