import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { jobIdFromTrigger } from '../../src/core/job-id.ts';
import { ids, replyOf, startHarness, type CommandResponse, type Harness } from '../helpers/harness.ts';
import { startStallingProxy, type StallingProxy } from '../helpers/stalling-proxy.ts';

let h: Harness | undefined;
let proxy: StallingProxy | undefined;
afterEach(async () => {
  proxy?.release();
  await h?.stop();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

const textOf = (res: CommandResponse) => replyOf(res).text;

/** Every value in the Redis database, whatever its type, as one string to search. */
async function everythingIn(redis: Harness['redis']): Promise<string> {
  const parts: unknown[] = [];
  for (const key of await redis.keys('*')) {
    const type = await redis.type(key);
    if (type === 'string') parts.push(key, await redis.getBuffer(key).then((b) => b?.toString('latin1')));
    else if (type === 'hash') parts.push(key, await redis.hgetall(key));
    else if (type === 'list') parts.push(key, await redis.lrange(key, 0, -1));
    else if (type === 'set') parts.push(key, await redis.smembers(key));
    else if (type === 'zset') parts.push(key, await redis.zrange(key, '0', '-1', 'WITHSCORES'));
    else if (type === 'stream') parts.push(key, await redis.xrange(key, '-', '+'));
    else parts.push(key, `unreadable ${type}`);
  }
  return JSON.stringify(parts);
}

describe('hostile input through signed Slack requests', () => {
  it.each([
    ['/acr', 'build -t web:v1 --env constructor https://github.com/org/app.git#main'],
    ['/aci', 'create -n web --image web:v1 --env constructor'],
    ['/acr', 'runs --env constructor'],
  ])('%s %s: an environment named after an Object.prototype key does not exist', async (command, text) => {
    h = await startHarness();
    const res = await h.command(text, { command, userId: ids.admin });
    expect(textOf(res)).toContain('There is no environment called "constructor"');
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.redis.keys('chatops:jobs:j*')).length).toBe(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('a secret after an unclosed quote appears in no reply, Slack call, log line or Redis value', async () => {
    const password = 'Zq9!x7Kp2#mW';
    h = await startHarness();
    const res = await h.command(`create -n web --image web:v1 --secure-environment-variables DB_PASSWORD='${password}`, { command: '/aci' });
    expect(textOf(res)).toContain("The ' that starts the value of DB_PASSWORD has no closing quote");
    // The refusal is audited (without blocking the answer): wait for it, then look everywhere.
    await h.slack.waitFor(async () => (await h!.redis.xlen('chatops:audit')) > 0, 5_000);
    const redis = await everythingIn(h.redis);
    expect(redis).toContain('command.aci');
    const everywhere = [res.text, JSON.stringify([h.slack.calls.map((c) => c.args), h.slack.responses]), h.logs.join('\n'), redis];
    for (const seen of everywhere) {
      expect(seen).not.toContain(password);
      expect(seen).not.toContain(password.slice(0, 6));
      expect(seen).not.toContain(encodeURIComponent(password).slice(0, 8));
    }
  });

  it('a token pasted where another word was expected is masked in the reply and the audit', async () => {
    const token = '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';
    h = await startHarness();
    const res = await h.command(`build -t web:v1 ${token}`);
    expect(textOf(res)).toContain('ghp_[redacted]');
    await h.slack.waitFor(async () => (await h!.redis.xlen('chatops:audit')) > 0, 5_000);
    const redis = await everythingIn(h.redis);
    expect(redis).toContain('ghp_[redacted]');
    for (const seen of [res.text, redis, h.logs.join('\n')]) expect(seen).not.toContain(token.slice(4, 14));
  });

  it('a queue add that is sent but not confirmed in time says the job may be queued and how to check', async () => {
    proxy = await startStallingProxy(process.env.TEST_REDIS_URL!);
    h = await startHarness({ redisUrl: proxy.url });
    const triggerId = '13345224609.738474920.8088930838d88f008e0';
    const jobId = jobIdFromTrigger(ids.team, triggerId);
    // BullMQ's add names the queue's wait list; from that command on, Redis's answers are lost.
    proxy.stallAfter('chatops:jobs:wait');
    const res = await h.command('build -t web:v1 https://github.com/org/app.git#main', { triggerId });
    expect(res.status).toBe(200); // answered within Slack's 3 seconds
    const text = textOf(res);
    expect(text).not.toMatch(/nothing was started/);
    expect(text).toContain(`did not confirm job \`${jobId}\` in time, so it may have been queued`);
    expect(text).toContain(`/ops job ${jobId}`);
    // It was queued: Redis ran the add, only its answer was lost.
    const direct = new Redis(process.env.TEST_REDIS_URL!);
    try {
      expect(await direct.exists(`chatops:jobs:${jobId}`)).toBe(1);
    } finally {
      direct.disconnect();
    }
    // And the command the message names finds it.
    proxy.release();
    const job = await h.command(`job ${jobId}`, { command: '/ops' });
    expect(textOf(job)).toContain(jobId);
    expect(textOf(job)).not.toMatch(/no job|not found/i);
  });
});
