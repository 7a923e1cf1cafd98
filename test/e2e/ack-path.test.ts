import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { postSigned, slashCommandBody } from '../helpers/slack-requests.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';

let h: Harness | undefined;
let ownRedis: OwnRedis | undefined;

afterEach(async () => {
  await h?.stop();
  await ownRedis?.stop();
  h = undefined;
  ownRedis = undefined;
});

async function jobsInRedis(harness: Harness): Promise<number> {
  return (await harness.redis.keys('chatops:jobs:j*')).filter((k) => /^chatops:jobs:j[0-9a-z]{12}$/.test(k)).length;
}

function body(harness: Harness, text = 'build -t web:v1 https://github.com/org/app.git') {
  return slashCommandBody({
    command: '/acr',
    text,
    userId: ids.alice,
    channelId: ids.devChannel,
    teamId: ids.team,
    apiAppId: ids.app,
    responseUrl: harness.slack.responseUrl('x'),
  });
}

describe('the ack path', () => {
  it('refuses unsigned, wrongly signed and stale requests with 401 and queues nothing', async () => {
    h = await startHarness();
    const unsigned = await fetch(h.botUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body(h) });
    expect(unsigned.status).toBe(401);
    const forged = await postSigned(h.botUrl, body(h), { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await postSigned(h.botUrl, body(h), { secret: h.signingSecret, tsSeconds: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    // The same request signed correctly is accepted: the refusals above were about the signature.
    const ok = await postSigned(h.botUrl, body(h), { secret: h.signingSecret });
    expect(ok.status).toBe(200);
    expect(replyOf(ok).text).toMatch(/queued as job/);
    await h.slack.waitFor(() => h!.slack.messages(ids.devChannel).length === 1, 10_000);
    expect(await jobsInRedis(h)).toBe(1);
  });

  it.each([
    ['an unknown flag', 'build --imgae web:v1 https://github.com/org/app.git', /--image/],
    ['a missing source', 'build -t web:v1', /source|git/i],
    ['a bad image name', 'build -t Web:v1 https://github.com/org/app.git', /image/i],
    ['an unknown environment', 'build -t web:v1 --env staging https://github.com/org/app.git', /dev, prod/],
    ['an unknown subcommand', 'biuld -t web:v1', /build/],
  ])('answers %s with an ephemeral usage message and queues nothing', async (_name, text, expected) => {
    h = await startHarness();
    const res = await h.command(text);
    expect(res.status).toBe(200);
    const reply = replyOf(res);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(expected);
    expect(reply.text).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack trace
    expect(await jobsInRedis(h)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers help without queueing anything', async () => {
    h = await startHarness();
    const res = await h.command('help', { command: '/ops' });
    expect(replyOf(res).text).toContain('/acr build');
    expect(await jobsInRedis(h)).toBe(0);
  });

  it('fails fast with a clear message when Redis is down, inside Slack’s 3 seconds', async () => {
    ownRedis = await startOwnRedis();
    h = await startHarness({ redisUrl: ownRedis.url });
    await ownRedis.stop();
    const res = await h.command('build -t web:v1 https://github.com/org/app.git');
    // Bolt answers 404 when a listener does not ack within ~3 s, so a 200 with our text proves the ack was in time.
    expect(res.status).toBe(200);
    expect(replyOf(res).text).toMatch(/queue is unavailable/);
  });
});
