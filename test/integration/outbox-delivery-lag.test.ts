/**
 * `chatops_outbox_delivery_lag_seconds` with the paced outbox: a flush that waits (Slack's
 * Retry-After, its channel's turn) waits as the same BullMQ job in the delayed set, so the lag
 * still runs from the write to Slack having it: how late Slack output is, waits included.
 */
import { afterEach, expect, it } from 'vitest';
import type { JobCard } from '../../src/core/card.ts';
import { md } from '../../src/core/mrkdwn.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { observeOutboxDelivery } from '../../src/queue/queue-metrics.ts';
import { startOutboxRig, type OutboxRig } from '../helpers/outbox-rig.ts';

let rig: OutboxRig | undefined;

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const card = (jobId: string): JobCard => ({
  jobId,
  title: `Build ${jobId}`,
  requesterId: 'U0ALICE',
  environment: 'dev',
  status: 'running',
  detail: md`go`,
  fields: [],
  links: [],
  actions: [],
  queuedAt: new Date().toISOString(),
});

async function lag(metrics: ReturnType<typeof createMetrics>): Promise<{ count: number; sum: number }> {
  const { values } = await metrics.outboxDeliveryLag.get();
  const of = (name: string) => values.find((v) => v.metricName === name)?.value ?? 0;
  return { count: of('chatops_outbox_delivery_lag_seconds_count'), sum: of('chatops_outbox_delivery_lag_seconds_sum') };
}

it('counts the wait for Slack’s Retry-After in the delivery lag of the card that waited', async () => {
  rig = await startOutboxRig();
  const metrics = createMetrics('worker');
  observeOutboxDelivery(rig.workers[0]!, metrics);
  rig.slack.rateLimit({ method: 'chat.postMessage', forMs: 1500, retryAfterSeconds: 2 });
  const writtenAt = Date.now();
  await rig.store.open('lag1', { channelId: 'C1', teamId: 'T0' }, card('lag1'));
  await rig.store.requestFlush('lag1');
  await rig.slack.waitFor(() => rig!.slack.messages('C1').length === 1, 10_000);
  const shownAfter = (Date.now() - writtenAt) / 1000;
  await rig.slack.waitFor(async () => (await lag(metrics)).count >= 1, 5000);
  const { count, sum } = await lag(metrics);
  expect(count).toBe(1);
  // Slack said to wait 2 s: the card was that late, and the figure says so.
  expect(sum).toBeGreaterThanOrEqual(2);
  expect(sum).toBeLessThanOrEqual(shownAfter + 0.5);
});
