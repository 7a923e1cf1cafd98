import { afterEach, describe, expect, it } from 'vitest';
import { answerText, ask, privateAnswer, shareButtonOf } from '../helpers/answers.ts';
import { ids, type Harness } from '../helpers/harness.ts';
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
    for (const kind of ['jobs', 'slack-outbox', 'outbox', 'audit', 'ratelimit', 'approval', 'approvals-pending', 'aci-deploys', 'job-started', 'home', 'slack-home']) {
      expect(kinds, `no ${kind} key among ${[...kinds].join(', ')}`).toContain(kind);
    }
    for (const key of ['{acme}:aci-deploys:latest', '{acme}:home:viewers', `{acme}:home:notice:${ids.carol}`, `{acme}:home:jobs:${ids.bob}`]) expect(keys).toContain(key);
    expect(keys.filter((k) => !k.startsWith('{acme}:'))).toEqual([]);
  });

  it('keeps lookups and their shares, run claims, rotation claims and the credential scan’s snapshot under the prefix too', async () => {
    h = await startCredentialHarness({
      env: { CHATOPS_REDIS_PREFIX: '{acme}' },
      azure: { queuedMs: 100, buildDurationMs: 400, logLineIntervalMs: 50 },
      credentials: '  gracePeriod: 1s',
      // Entra ID takes its time with the new secret, so the rotation's claim is seen while held.
      prepare: (azure) => void (azure.graph.propagationMs = 1500),
    });
    const dev = { userId: ids.alice, channelId: ids.devChannel };
    const seen = new Set<string>();
    const look = async () => (await h!.redis.keys('*')).forEach((k) => seen.add(k));

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
});
