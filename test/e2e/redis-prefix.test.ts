import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../helpers/harness.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';
import { aci, aciCommand, cardOf, startAciHarness, waitForCard } from './aci/setup.ts';

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
    // approval and its pending index, the group lock, the deploy history and the outbox.
    const jobId = await aciCommand(h, 'create -n api --image web:v1 --ports 8080', { userId: ids.bob, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'approval.approve');
    expect(metricValue((await scrape(base)).text, 'chatops_approvals_pending')).toBe(1);
    const whilePending = await h.redis.keys('*');
    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: cardOf(h, aci.prdChannel, jobId)!.ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    const build = await h.command('build -t web:v9 https://github.com/org/app.git#main', { channelId: aci.stgChannel });
    expect(build.status).toBe(200);

    const after = (await scrape(base)).text;
    expect(metricValue(after, 'chatops_approvals_pending')).toBe(0);
    expect(metricValue(after, 'chatops_approval_decision_seconds_count', { outcome: 'approved' })).toBe(1);

    const keys = [...new Set([...whilePending, ...(await h.redis.keys('*'))])];
    const kinds = new Set(keys.map((k) => k.split(':')[1]));
    for (const kind of ['jobs', 'slack-outbox', 'outbox', 'audit', 'ratelimit', 'approval', 'approvals-pending', 'aci-deploys', 'job-started']) {
      expect(kinds, `no ${kind} key among ${[...kinds].join(', ')}`).toContain(kind);
    }
    expect(keys.filter((k) => !k.startsWith('{acme}:'))).toEqual([]);
  });
});
