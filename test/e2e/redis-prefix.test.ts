import { afterEach, describe, expect, it } from 'vitest';
import { answerText, ask, privateAnswer, shareButtonOf } from '../helpers/answers.ts';
import { ids, replyOf, startHarness, type CommandResponse, type Harness } from '../helpers/harness.ts';
import { homeWhere } from '../helpers/home.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';
import { aci, aciCommand, startAciHarness, waitForCard } from './aci/setup.ts';
import { cardEnds, cred, rotate, scanNow, startCredentialHarness } from './credentials/setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('CHATOPS_REDIS_PREFIX', () => {
  it('puts every key of the install, BullMQ’s and the bot’s own, under the prefix (one Redis Cluster hash slot with braces)', async () => {
    h = await startAciHarness({ env: { CHATOPS_REDIS_PREFIX: '{acme}' } });
    const base = h.botUrl.replace(/\/slack\/events$/, '');
    // A prod deploy touches everything: the jobs queue, the rate limit, the audit stream, the
    // approval and its pending index, the group lock, the deploy history and the outbox; approved
    // from the App Home, it adds the Home's viewers, its answer to the click, the requester's
    // jobs and the last deploy of every group.
    const jobId = await aciCommand(h, 'create -n api --image web:v1 --ports 8080 --ip-address Public', { userId: ids.bob, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'approval.approve');
    expect(metricValue((await scrape(base)).text, 'chatops_approvals_pending')).toBe(1);
    expect((await h.openHome(ids.carol)).status).toBe(200);
    await homeWhere(h, ids.carol, (b) => b.includes(`"value":"${jobId}"`));
    const whilePending = await h.redis.keys('*');
    expect((await h.clickHome('approval.approve', jobId, ids.carol)).status).toBe(200);
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    await homeWhere(h, ids.carol, (b) => b.includes('Approved: job') && b.includes('deploys-prod'));
    const build = await h.command('build -t web:v9 https://github.com/org/app.git#main', { channelId: aci.stgChannel });
    expect(build.status).toBe(200);

    const after = (await scrape(base)).text;
    expect(metricValue(after, 'chatops_approvals_pending')).toBe(0);
    expect(metricValue(after, 'chatops_approval_decision_seconds_count', { outcome: 'approved' })).toBe(1);

    const keys = [...new Set([...whilePending, ...(await h.redis.keys('*'))])];
    const kinds = new Set(keys.map((k) => k.split(':')[1]));
    for (const kind of [
      'jobs',
      'slack-outbox',
      'outbox',
      'audit',
      'ratelimit',
      'approval',
      'approvals-pending',
      'aci-deploys',
      'job-started',
      'home',
      'slack-home',
    ]) {
      expect(kinds, `no ${kind} key among ${[...kinds].join(', ')}`).toContain(kind);
    }
    for (const key of ['{acme}:aci-deploys:latest', '{acme}:home:viewers', `{acme}:home:notice:${ids.carol}`, `{acme}:home:jobs:${ids.bob}`])
      expect(keys).toContain(key);
    expect(keys.filter((k) => !k.startsWith('{acme}:'))).toEqual([]);
  });

  it('keeps lookups and their shares, run claims, rotation claims and the credential scan’s snapshot under the prefix too', async () => {
    h = await startCredentialHarness({
      env: { CHATOPS_REDIS_PREFIX: '{acme}' },
      azure: { queuedMs: 100, buildDurationMs: 400, logLineIntervalMs: 50 },
      credentials: '  gracePeriod: 1s',
      // Entra ID takes its time with the new secret, so the rotation's claim is seen while held.
      prepare: (azure) => {
        azure.graph.propagationMs = 1500;
      },
    });
    const dev = { userId: ids.alice, channelId: ids.devChannel };
    const seen = new Set<string>();
    const look = async () => {
      for (const k of await h!.redis.keys('*')) seen.add(k);
    };

    // A build claims its ACR run for its job.
    const build = await ask(h, 'build -t web:v1 https://github.com/org/app.git#main', dev);
    await cardEnds(h, build.jobId, 'Succeeded');
    // A lookup is kept for sharing, and a share is claimed once.
    const runs = await ask(h, 'runs --top 5', dev);
    const answer = await privateAnswer(h, runs.jobId);
    expect(answerText(answer)).toContain('Succeeded');
    const before = h.slack.responses.length;
    await h.click('answer.share', shareButtonOf(answer)!, { ...dev, messageTs: '1.000001' });
    await h.slack.waitFor(() => h!.slack.responses.slice(before).some((r) => JSON.stringify(r.body).includes('in_channel')), 5000);
    await look();
    // A rotation holds its credential's claim until it ends.
    const rotation = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await h.slack.waitFor(() => h!.azure.requests.some((r) => r.method === 'POST' && r.path.endsWith('/addPassword')), 10_000);
    await look();
    await cardEnds(h, rotation, 'Succeeded');
    await look();
    // A scan leaves what it found for the admins' App Home.
    await scanNow(h, 'scan-prefix', '{acme}');
    await h.slack.waitFor(async () => (await h!.redis.exists('{acme}:credentials:expiring')) === 1, 15_000);
    await look();

    const keys = [...seen];
    const kinds = new Set(keys.map((k) => k.split(':')[1]));
    for (const kind of ['jobs', 'acr-run', 'answer', 'rotation', 'audit', 'credentials']) {
      expect(kinds, `no ${kind} key among ${[...kinds].join(', ')}`).toContain(kind);
    }
    expect(keys.filter((k) => k.split(':')[1] === 'answer').some((k) => k.endsWith(':shared'))).toBe(true);
    expect(keys.filter((k) => !k.startsWith('{acme}:'))).toEqual([]);
  });

  it('keeps Slack delivery’s keys under the prefix too: the channel paces, cards waiting their turn, a halt on a dead token, a reposted card, a card rerouted to a DM', async () => {
    h = await startHarness({
      env: { CHATOPS_REDIS_PREFIX: '{acme}', CHATOPS_SLACK_PROBE_MS: '500' },
      azure: { queuedMs: 200, buildDurationMs: 4000, logLineIntervalMs: 200 },
      // A private channel the bot is not in: its card goes to the requester's DM instead.
      setup: (_azure, slack) => slack.addChannel(ids.otherChannel, { isPrivate: true, isMember: false }),
    });
    const harness = h;
    // Keys can live for a moment only (a card waiting its turn, a halt): sampled all along.
    const seen = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const k of await harness.redis.keys('*')) seen.add(k);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const card = (jobId: string) =>
      harness.slack.allMessages(ids.devChannel).find((m) => m.subtype !== 'tombstone' && JSON.stringify(m.blocks ?? []).includes(jobId));
    const jobOf = (res: CommandResponse) => /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;

    const jobId = jobOf(await h.command('build -t web:v1 https://github.com/org/app.git#main'));
    const rerouted = jobOf(await h.command('build -t web:v2 https://github.com/org/app.git#main', { channelId: ids.otherChannel }));
    await h.slack.waitFor(() => card(jobId) && h!.slack.thread(ids.devChannel, card(jobId)!.ts).length > 0, 20_000);
    // Someone deletes the card: a fresh one is posted in its thread.
    const first = card(jobId)!.ts;
    h.slack.deleteMessage(ids.devChannel, first);
    await h.slack.waitFor(() => card(jobId) && card(jobId)!.ts !== first, 20_000);
    // The token dies: the outbox halts until it works again.
    h.slack.breakToken(h.botToken, 'token_revoked');
    await h.slack.waitFor(() => seen.has('{acme}:slack:halt'), 10_000);
    h.slack.restoreToken(h.botToken);
    await h.slack.waitFor(() => JSON.stringify(card(jobId)?.blocks ?? []).includes('Succeeded'), 30_000);
    await h.slack.waitFor(() => h!.slack.allMessages(`D${ids.alice.slice(1)}`).some((m) => JSON.stringify(m.blocks ?? []).includes(rerouted)), 20_000);
    sampling = false;
    await sampler;

    const keys = [...seen];
    for (const key of [
      '{acme}:slack:halt',
      `{acme}:pace:post:${ids.devChannel}`,
      '{acme}:pace:method:chat.update',
      `{acme}:outbox:${jobId}:thread`,
      `{acme}:outbox:${rerouted}.dm.${ids.alice}:thread`,
    ]) {
      expect(keys, `no ${key}`).toContain(key);
    }
    expect(
      keys.some((k) => k.startsWith('{acme}:outbox:channel:') && k.endsWith(':waiting-cards')),
      'no card waited for its channel',
    ).toBe(true);
    expect(await h.redis.hget(`{acme}:outbox:${jobId}:thread`, 'reposts')).toBe('1');
    expect(keys.filter((k) => !k.startsWith('{acme}:'))).toEqual([]);
  });
});
