/**
 * Expiry alerts reach someone: an alert too big for one Slack message arrives in pages, and an
 * alert the channel refuses goes to the admins, is logged, and is sent again by the next scan.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../../helpers/harness.ts';
import { cred, DAY, scanNow, startCredentialHarness } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The alert's messages in a channel: the card and the pages in its thread. */
function alertMessages(harness: Harness, channel: string) {
  const card = harness.slack.messages(channel).find((m) => JSON.stringify(m.blocks).includes('Client secrets expiring'));
  return card ? [card, ...harness.slack.thread(channel, card.ts).filter((m) => m.blocks.length > 0)] : [];
}

const rotateButtons = (messages: { blocks: unknown[] }[]) =>
  messages.reduce((n, m) => n + (JSON.stringify(m.blocks).match(/credential\.rotate/g) ?? []).length, 0);

describe('expiry alert delivery', () => {
  it('an alert too big for one message arrives in pages, every secret with its Rotate button', async () => {
    h = await startCredentialHarness({
      scoped: false,
      prepare: (azure) => {
        azure.graph.addApplications(59, (i) => ({
          displayName: `payments-settlement-reconciliation-service-${'eu-west-production-'.repeat(3)}${i}`,
          tenantId: ids.tenant,
          passwordCredentials: [{ displayName: `rotation for the ci pipeline of team ${i}`, endDateTime: new Date(Date.now() + 6.5 * DAY) }],
        }));
      },
    });
    await scanNow(h, 'scan-big');
    await h.slack.waitFor(() => rotateButtons(alertMessages(h!, cred.alertChannel)) === 60, 30_000);
    const messages = alertMessages(h, cred.alertChannel);
    expect(messages.length).toBeGreaterThan(1);
    expect(h.slack.calls.filter((c) => ['msg_blocks_too_long', 'invalid_blocks', 'msg_too_long'].includes(c.error ?? ''))).toEqual([]);
  });

  it('bot removed from the alert channel: the admins get the alert, it is logged, and it is sent again once the channel works', async () => {
    h = await startCredentialHarness({ setup: (_azure, slack) => slack.addChannel(cred.alertChannel, { isPrivate: true, isMember: false }) });
    await scanNow(h, 'scan-refused');
    await h.slack.waitFor(() => h!.slack.messages(`D${ids.admin.slice(1)}`).some((m) => JSON.stringify(m.blocks).includes('build-pipeline')), 20_000);
    // The scan sees that its alert went elsewhere, logs it, and leaves it to the next scan.
    await h.slack.waitFor(() => h!.logs.some((l) => l.includes('"level":50') && l.includes('the next scan posts it again')), 10_000);

    h.slack.setChannel(cred.alertChannel, { isMember: true }); // someone invites the bot back
    await scanNow(h, 'scan-after-invite');
    await h.slack.waitFor(() => alertMessages(h!, cred.alertChannel).length > 0, 20_000);
    expect(JSON.stringify(alertMessages(h, cred.alertChannel)[0]!.blocks)).toContain('build-pipeline');

    // Delivered now: the next scan has nothing new to say.
    await scanNow(h, 'scan-quiet');
    await new Promise((r) => setTimeout(r, 3000));
    expect(h.slack.messages(cred.alertChannel).filter((m) => JSON.stringify(m.blocks).includes('Client secrets expiring'))).toHaveLength(1);
  });
});
