/**
 * The App Home end to end: a signed app_home_opened event, the Home built by the worker and
 * published with views.publish, per role; and its Approve / Reject buttons
 * deciding a pending deploy through the same listener as the card's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { home, homeWhere } from '../helpers/home.ts';
import { aci, aciCommand, cardOf, cardText, deployed, prd, putsOf, stg, startAciHarness, waitForCard } from './aci/setup.ts';
import { scanNow, startCredentialHarness } from './credentials/setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** alice's staging deploy done, bob's prod deploy waiting for approval. Only sre (bob) and admins have a role in `locked`. */
async function scenario(harness: Harness): Promise<{ pending: string; staging: string }> {
  const staging = await deployed(harness, 'create -n web --image web:v1', stg);
  const pending = await aciCommand(harness, 'create -n web --image web:v2', prd);
  await waitForCard(harness, aci.prdChannel, pending, 'approval.approve');
  return { pending, staging };
}

/** bob's prod deploy waiting for approval, listed on the Home of carol (a prod approver). */
async function pendingOnCarolsHome(harness: Harness): Promise<string> {
  const { pending } = await scenario(harness);
  await harness.openHome(ids.carol);
  await homeWhere(harness, ids.carol, (b) => b.includes(pending));
  return pending;
}

describe('App Home per role', () => {
  it('shows an approver what waits for them, a viewer only their own jobs, and nobody an environment they cannot view', async () => {
    h = await startAciHarness();
    const { pending, staging } = await scenario(h);
    for (const user of [ids.carol, ids.alice, ids.bob, ids.admin]) expect((await h.openHome(user)).status).toBe(200);

    // carol approves prod: bob's request is on her Home with the card's own buttons; she cannot view `locked`.
    const carol = await homeWhere(h, ids.carol, (b) => b.includes(pending) && b.includes('deploys-staging'));
    expect(carol).toContain('"action_id":"approval.approve"');
    expect(carol).toContain('"action_id":"approval.reject"');
    expect(carol).toContain(`"value":"${pending}"`);
    expect(carol).toContain(`asked by <@${ids.bob}>`);
    expect(carol).toContain('You have no jobs from the last week.');
    expect(carol).not.toContain('deploys-locked');
    expect(carol).not.toContain('Credentials expiring');

    // alice deploys but approves nothing: no request, her staging job with a link to its thread.
    const alice = await homeWhere(h, ids.alice, (b) => b.includes(staging) && b.includes('deploys-staging'));
    expect(alice).toContain('Nothing is waiting for you.');
    expect(alice).not.toContain('approval.approve');
    const thread = cardOf(h, aci.stgChannel, staging)!.ts.replace('.', '');
    expect(alice).toContain(`https://contoso.slack.com/archives/${aci.stgChannel}/p${thread}`);
    expect(alice).not.toContain('deploys-locked');

    // bob asked for it: his running job is there, but no button to approve his own request; he deploys to `locked`, so he sees it.
    const bob = await homeWhere(h, ids.bob, (b) => b.includes(pending) && b.includes('deploys-locked'));
    expect(bob).toContain('Waiting for approval');
    expect(bob).not.toContain('approval.approve');

    // The admin sees every environment, and is no approver of prod.
    const admin = await homeWhere(h, ids.admin, (b) => b.includes('deploys-locked') && b.includes('deploys-prod'));
    expect(admin).not.toContain('approval.approve');
    expect(admin).toContain('deploys-staging');
  });

  it('publishes nothing for the Messages tab, and keeps each Home within Slack’s limits', async () => {
    h = await startAciHarness();
    await h.openHome(ids.alice, 'messages');
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.slack.callsTo('views.publish')).toEqual([]);
    await h.openHome(ids.alice);
    await h.slack.waitFor(() => h!.slack.callsTo('views.publish').some((c) => c.ok), 10_000);
    expect(h.slack.callsTo('views.publish').every((c) => c.ok)).toBe(true);
  });
});

describe('App Home buttons', () => {
  it('approves a pending deploy from the Home through the card’s decision path, and the deploy runs once', async () => {
    h = await startAciHarness();
    const pending = await pendingOnCarolsHome(h);
    expect((await h.clickHome('approval.approve', pending, ids.carol)).status).toBe(200);

    await waitForCard(h, aci.prdChannel, pending, 'Succeeded');
    expect(putsOf(h, 'web').filter((p) => p.subscriptionId === aci.prdSub && p.resourceGroup === 'rg-prd')).toHaveLength(1);
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toMatch(new RegExp(`approval\\.approve[^}]*${ids.carol}|${ids.carol}[^}]*approval\\.approve`));
    // The answer shows on her Home, and the request leaves it.
    const after = await homeWhere(h, ids.carol, (b) => b.includes('Approved: job') && !b.includes('"action_id":"approval.approve"'));
    expect(after).toContain(pending);
    expect(after).toContain('deploys-prod');
    // bob's Home follows his job to the end.
    await h.openHome(ids.bob);
    await homeWhere(h, ids.bob, (b) => b.includes('jobs-recent') && b.includes(pending) && b.includes('Succeeded'));
  });

  it('rejects a pending deploy from the Home with a reason, through the card’s modal', async () => {
    h = await startAciHarness();
    const pending = await pendingOnCarolsHome(h);
    await h.clickHome('approval.reject', pending, ids.carol);
    const modal = await h.slack.waitFor(() => h!.slack.views.find((v) => v.view.callback_id === 'approval.reject.reason'));
    expect((await h.submitView(modal.view as { callback_id: string; private_metadata: string }, ids.carol, { reason: 'not during the freeze' })).status).toBe(
      200,
    );
    await waitForCard(h, aci.prdChannel, pending, 'Rejected');
    expect(putsOf(h, 'web').filter((p) => p.subscriptionId === aci.prdSub && p.resourceGroup === 'rg-prd')).toHaveLength(0);
    await homeWhere(h, ids.carol, (b) => b.includes('Rejected: job') && !b.includes('"action_id":"approval.reject"'));
  });
});

describe('App Home clicks that fail', () => {
  // A Home click has no response_url (Bolt gives it no respond): its answer must reach the Home.
  it('answers a click whose handling fails on the clicker’s Home, and nothing is approved', async () => {
    h = await startAciHarness();
    const pending = await pendingOnCarolsHome(h);
    // The stored job can no longer be read: loading it throws before any decision is made.
    await h.redis.hset(`chatops:jobs:${pending}`, 'data', '{not json');
    const responses = h.slack.responses.length;
    expect((await h.clickHome('approval.approve', pending, ids.carol)).status).toBe(200);
    const after = await homeWhere(h, ids.carol, (b) => b.includes('Something went wrong on my side'));
    expect(after).toContain('may not have taken effect');
    expect(h.logs.some((l) => l.includes('click failed') && l.includes('approval.approve'))).toBe(true);
    expect(h.slack.responses.length).toBe(responses);
    expect((await h.redis.get(`chatops:approval:${pending}`)) ?? '').toContain('"status":"pending"');
  });

  it('tells the clicker on their Home when Slack refuses to open the Reject form', async () => {
    h = await startAciHarness();
    const pending = await pendingOnCarolsHome(h);
    h.slack.errorNext({ method: 'views.open', error: 'expired_trigger_id' });
    await h.clickHome('approval.reject', pending, ids.carol);
    const after = await homeWhere(h, ids.carol, (b) => b.includes('open the rejection form'));
    expect(after).toContain('Click Reject again');
    expect(after).toContain('"action_id":"approval.reject"');
    // Nothing was rejected: the card still asks for a decision.
    expect(cardText(h, aci.prdChannel, pending)).toContain('approval.reject');
  });
});

describe('App Home refreshes', () => {
  it('follows a burst of builds with at most one publish every 3 s, ending on their final state', async () => {
    h = await startHarness();
    await h.openHome(ids.alice);
    await homeWhere(h, ids.alice, (b) => b.includes('You have no jobs from the last week.'));
    const jobs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await h.command(`build -t web:v${i} https://github.com/org/app.git#main`);
      jobs.push(/`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!);
    }
    const final = await homeWhere(h, ids.alice, (b) => jobs.every((j) => b.includes(j)) && !b.includes('jobs-running'), 60_000);
    expect(final.match(/Succeeded/g)).toHaveLength(6);
    const times = h.slack.homePublishes.filter((p) => p.userId === ids.alice).map((p) => p.time);
    expect(times.length).toBeGreaterThan(1);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(2900);
  });

  it('shows admins the credentials expiring within the first threshold once a scan ran, and nobody else', async () => {
    h = await startCredentialHarness();
    await h.openHome(ids.admin);
    await h.openHome(ids.alice);
    await homeWhere(h, ids.admin, (b) => b.includes('No scan has run yet'));
    await scanNow(h, 'scan-home');
    const admin = await homeWhere(h, ids.admin, (b) => b.includes('build-pipeline'));
    expect(admin).toContain('Credentials expiring within 30 days');
    expect(admin).toContain('5 days left');
    await homeWhere(h, ids.alice, (b) => b.includes('deploys-dev'));
    expect(home(h, ids.alice)).not.toContain('Credentials expiring');
    expect(home(h, ids.alice)).not.toContain('build-pipeline');
  });
});
