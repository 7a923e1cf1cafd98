import { afterEach, describe, expect, it } from 'vitest';
import { defaultYaml, ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { blockActionsBody, postSigned } from '../helpers/slack-requests.ts';

const source = 'https://github.com/org/app.git#main';
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('abuse', () => {
  it('rate-limits a user who sends too many commands, with a friendly message, and nobody else', async () => {
    h = await startHarness({ yaml: defaultYaml.replace('  channels: { prod', '  rateLimit: { perMinute: 3 }\n  channels: { prod') });
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) texts.push(replyOf(await h.command('whoami', { command: '/ops', userId: ids.alice })).text);
    expect(texts.slice(0, 3).every((t) => t.includes('Your roles'))).toBe(true);
    expect(texts[3]).toMatch(/more than 3 commands in a minute.*Try again in \d+ second/);
    const bob = replyOf(await h.command('whoami', { command: '/ops', userId: ids.bob })).text;
    expect(bob).toContain('Your roles');
    const refused = (await h.redis.xrange('chatops:audit', '-', '+')).map(([, f]) => JSON.parse(f[1]!)).filter((e) => e.reason === 'rate_limited');
    expect(refused).toHaveLength(1);
  });

  it('a replayed Cancel click after the decision starts nothing new', async () => {
    h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 20_000, logLineIntervalMs: 300 } });
    const res = await h.command(`build -t web:r1 ${source}`);
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    await h.slack.waitFor(
      () => h!.azure.count('POST', /\/scheduleRun$/) === 1 && JSON.stringify(h!.slack.messages(ids.devChannel)).includes('job.cancel'),
      15_000,
    );
    const card = h.slack.messages(ids.devChannel)[0]!;
    const body = blockActionsBody({
      userId: ids.alice,
      teamId: ids.team,
      apiAppId: ids.app,
      channelId: ids.devChannel,
      messageTs: card.ts,
      actionId: 'job.cancel',
      value: jobId,
      responseUrl: h.slack.responseUrl('replay'),
    });
    expect((await postSigned(h.botUrl, body, { secret: h.signingSecret })).status).toBe(200);
    await h.slack.waitFor(() => JSON.stringify(h!.slack.messages(ids.devChannel)[0]?.blocks).includes('Canceled'), 20_000);
    // The same signed payload again (an attacker or a double delivery): no second cancellation.
    expect((await postSigned(h.botUrl, body, { secret: h.signingSecret })).status).toBe(200);
    await h.slack.waitFor(() => JSON.stringify(h!.slack.responses.at(-1)?.body ?? '').includes('already finished'), 5_000);
    expect(h.azure.count('POST', /\/cancel$/)).toBe(1);
  });
});
