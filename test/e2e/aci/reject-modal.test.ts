/**
 * Reject asks for a reason in a modal. Slack gives a click's trigger_id three seconds, so the
 * modal opens before anything slow (user-group look-ups take up to 2 s); who may reject is
 * checked when the modal is submitted, and the outcome comes back on the click's response_url.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../../helpers/harness.ts';
import { aci, aciCommand, cardOf, cardText, putsOf, startAciHarness, waitForCard } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A prod deploy by bob waiting for approval (carol or the leads group, where dave is). */
async function awaitingApproval(harness: Harness): Promise<{ jobId: string; ts: string }> {
  const jobId = await aciCommand(harness, 'create -n api --image web:v1', { userId: ids.bob, channelId: aci.prdChannel });
  await waitForCard(harness, aci.prdChannel, jobId, 'approval.approve');
  return { jobId, ts: cardOf(harness, aci.prdChannel, jobId)!.ts };
}

type View = { callback_id?: string; private_metadata?: string };

describe('the Reject modal', () => {
  it('opens at once with cold group caches, checks the approver on submit and confirms on the click’s response_url', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await awaitingApproval(h);
    // Every user-group look-up now takes 2.5 s, and the 100 ms cache is long cold.
    h.slack.slowDown({ method: 'usergroups.users.list', ms: 2500 });
    await new Promise((r) => setTimeout(r, 200));
    const responsesBefore = h.slack.responses.length;
    await h.click('approval.reject', jobId, { userId: aci.dave, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => h!.slack.callsTo('views.open').length > 0, 5000);
    expect(h.slack.callsTo('views.open').map((c) => c.error ?? 'ok')).toEqual(['ok']);
    const view = h.slack.views[0]!.view as View;
    expect(view.callback_id).toBe('approval.reject.reason');

    // dave types for a few seconds; the submit answers within Slack's 3 s however slow the groups are.
    await new Promise((r) => setTimeout(r, 3000));
    const res = await h.submitView(view, aci.dave, { reason: 'Change freeze' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('errors');
    await waitForCard(h, aci.prdChannel, jobId, 'Rejected');
    expect(cardText(h, aci.prdChannel, jobId)).toContain(`Rejected by <@${aci.dave}>`);
    const confirmation = await h.slack.waitFor(
      () => h!.slack.responses.slice(responsesBefore).find((r) => JSON.stringify(r.body).includes('Rejected: job')),
      5000,
    );
    expect(confirmation.id).toMatch(/^act-/);
    expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
    expect(putsOf(h, 'api')).toHaveLength(0);
  });

  it('answers a submit from someone who may not reject with an error on the form, within 3 s', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await awaitingApproval(h);
    h.slack.slowDown({ method: 'usergroups.users.list', ms: 2500 });
    await new Promise((r) => setTimeout(r, 200));
    await h.click('approval.reject', jobId, { userId: ids.alice, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => h!.slack.views.length > 0, 5000);
    const started = performance.now();
    const res = await h.submitView(h.slack.views[0]!.view as View, ids.alice, { reason: 'nope' });
    expect(performance.now() - started).toBeLessThan(3000);
    const body = JSON.parse(res.text) as { response_action: string; errors: { reason: string } };
    expect(body.response_action).toBe('errors');
    expect(body.errors.reason).toContain('Only approvers of prod');
    expect(cardText(h, aci.prdChannel, jobId)).not.toContain('Rejected');
    // The check also ran right after the modal opened: it now says why, with no Reject button.
    const shown = await h.slack.waitFor(() => (h!.slack.views[0]!.updates ? h!.slack.views[0]!.view : undefined), 5000);
    expect(JSON.stringify(shown)).toContain('Only approvers of prod');
    expect(shown.submit).toBeUndefined();
  });

  it('tells the clicker, and logs it, when Slack refuses to open the modal', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await awaitingApproval(h);
    h.slack.errorNext({ method: 'views.open', error: 'expired_trigger_id' });
    await h.click('approval.reject', jobId, { userId: aci.dave, messageTs: ts, channelId: aci.prdChannel });
    const told = await h.slack.waitFor(() => h!.slack.responses.find((r) => JSON.stringify(r.body).includes('open the rejection form')), 5000);
    expect(JSON.stringify(told.body)).toContain('Reject again');
    expect(h.logs.some((l) => l.includes('"level":50') && l.includes('expired_trigger_id'))).toBe(true);
    expect(cardText(h, aci.prdChannel, jobId)).toContain('approval.reject');
  });
});
