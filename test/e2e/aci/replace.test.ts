/**
 * Properties ACI cannot change in place (CPU, memory, restart policy, IP address type…): the plan
 * says the group will be replaced, the requester confirms (or approvers approve), and the job
 * deletes, then creates, without ever deleting the group it created.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../../helpers/harness.ts';
import { aci, aciCommand, cardOf, cardText, deployed, prd, putsOf, responsesWith, startAciHarness, stg, waitForCard } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type PutBody = { properties: { restartPolicy: string; containers: { properties: { resources: { requests: { cpu: number } } } }[] } };
const cpuOf = (p: { body: unknown }) => (p.body as PutBody).properties.containers[0]!.properties.resources.requests.cpu;

/** ARM's method and path of every container group write, in order. */
function writes(harness: Harness, name: string): string[] {
  return harness.azure.requests
    .filter((r) => (r.method === 'PUT' || r.method === 'DELETE') && r.path.endsWith(`/containerGroups/${name}`) && (r.status ?? 0) < 300)
    .map((r) => r.method);
}

describe('a change ACI cannot make in place', () => {
  it('plans a replacement with old → new, waits for the requester’s Confirm, then deletes and creates', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1');
    const jobId = await aciCommand(h, 'create -n web --image web:v1 --cpu 2', stg);
    await waitForCard(h, aci.stgChannel, jobId, 'approval.confirm');
    const card = cardText(h, aci.stgChannel, jobId);
    expect(card).toContain('replaces the container group: delete, then create; downtime until it is Running again');
    expect(card).toContain('CPU: 1 → 2');
    expect(writes(h, 'web')).toEqual(['PUT']);

    const ts = cardOf(h, aci.stgChannel, jobId)!.ts;
    await h.click('approval.confirm', jobId, { userId: ids.bob, messageTs: ts, channelId: aci.stgChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'who asked for this, can confirm it').length > 0, 5000);
    expect(writes(h, 'web')).toEqual(['PUT']);

    await h.click('approval.confirm', jobId, { userId: ids.alice, messageTs: ts, channelId: aci.stgChannel });
    await waitForCard(h, aci.stgChannel, jobId, 'Succeeded');
    expect(writes(h, 'web')).toEqual(['PUT', 'DELETE', 'PUT']);
    expect(cpuOf(putsOf(h, 'web').at(-1)!)).toBe(2);
    expect(h.azure.aci.group('rg-stg', 'web')).toBeDefined();
    const applied = (await h.redis.xrange('chatops:audit', '-', '+'))
      .map(([, f]) => JSON.parse(f[1]!) as { action: string; details?: Record<string, unknown> })
      .filter((e) => e.action === 'deploy.apply');
    expect(applied.at(-1)!.details).toMatchObject({ replaces: 'CPU: 1 → 2' });
  });

  it('needs the usual approval in a protected environment', async () => {
    h = await startAciHarness();
    const first = await aciCommand(h, 'create -n api --image web:v1', prd);
    await waitForCard(h, aci.prdChannel, first, 'approval.approve');
    await h.click('approval.approve', first, { userId: ids.carol, messageTs: cardOf(h, aci.prdChannel, first)!.ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, first, 'Succeeded');

    const jobId = await aciCommand(h, 'create -n api --image web:v1 --restart-policy OnFailure', prd);
    await waitForCard(h, aci.prdChannel, jobId, 'approval.approve');
    const card = cardText(h, aci.prdChannel, jobId);
    expect(card).toContain('restart policy: Always → OnFailure');
    expect(card).not.toContain('approval.confirm');
    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: cardOf(h, aci.prdChannel, jobId)!.ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    expect(writes(h, 'api')).toEqual(['PUT', 'DELETE', 'PUT']);
    expect((putsOf(h, 'api').at(-1)!.body as PutBody).properties.restartPolicy).toBe('OnFailure');
  });

  it('resumes with the create after the worker dies between delete and create, and never deletes the new group', async () => {
    h = await startAciHarness({ worker: 'child' });
    await deployed(h, 'create -n web --image web:v1');
    const jobId = await aciCommand(h, 'create -n web --image web:v1 --memory 2', stg);
    await waitForCard(h, aci.stgChannel, jobId, 'approval.confirm');
    // The create after the delete keeps failing until the worker is gone.
    h.azure.failNext({ method: 'PUT', path: /\/containerGroups\/web$/, status: 503, times: 1000 });
    await h.click('approval.confirm', jobId, { userId: ids.alice, messageTs: cardOf(h, aci.stgChannel, jobId)!.ts, channelId: aci.stgChannel });
    await h.slack.waitFor(() => h!.azure.count('DELETE', /\/containerGroups\/web$/) === 1 && h!.azure.count('PUT', /\/containerGroups\/web$/) >= 2, 15_000);
    await h.killWorker();
    h.azure.reset();
    await h.startWorker();
    await waitForCard(h, aci.stgChannel, jobId, 'Succeeded', 30_000);
    expect(h.azure.count('DELETE', /\/containerGroups\/web$/)).toBe(0);
    expect(writes(h, 'web')).toEqual(['PUT']);
    expect(h.azure.aci.group('rg-stg', 'web')).toBeDefined();
  });

  it('explains ARM’s refusal when the group changed after the plan, and offers the replacement as a new plan', async () => {
    h = await startAciHarness();
    const approve = async (jobId: string) => {
      await waitForCard(h!, aci.prdChannel, jobId, 'approval.approve');
      await h!.click('approval.approve', jobId, { userId: ids.carol, messageTs: cardOf(h!, aci.prdChannel, jobId)!.ts, channelId: aci.prdChannel });
    };
    const first = await aciCommand(h, 'create -n api --image web:v1', prd);
    await approve(first);
    await waitForCard(h, aci.prdChannel, first, 'Succeeded');
    // Planned as an in-place update of a 1-CPU group…
    const stale = await aciCommand(h, 'create -n api --image web:v2', prd);
    await waitForCard(h, aci.prdChannel, stale, 'approval.approve');
    // …which another deploy replaces with a 2-CPU group before the first one is approved.
    const bigger = await aciCommand(h, 'create -n api --image web:v1 --cpu 2', prd);
    await approve(bigger);
    await waitForCard(h, aci.prdChannel, bigger, 'Succeeded');
    await approve(stale);
    await waitForCard(h, aci.prdChannel, stale, 'Failed');
    const card = cardText(h, aci.prdChannel, stale);
    expect(card).toContain('Azure cannot change');
    expect(card).toContain('deploy.replace');
    expect(card).not.toContain('Fix what Azure reports and run /aci create again');
    const refusedPuts = h.azure.aci.puts('api').filter((p) => p.status === 400);
    expect(refusedPuts).toHaveLength(1);

    await h.click('deploy.replace', stale, {
      userId: ids.bob,
      messageTs: cardOf(h, aci.prdChannel, stale)!.ts,
      channelId: aci.prdChannel,
      triggerId: 'replace-trigger-1',
    });
    await h.slack.waitFor(() => responsesWith(h!, 'as job').length > 0, 5000);
    const replacement = /`(j[0-9a-z]{12})`/.exec(JSON.stringify(responsesWith(h, 'as job').at(-1)))![1]!;
    await waitForCard(h, aci.prdChannel, replacement, 'approval.approve');
    const plan = cardText(h, aci.prdChannel, replacement);
    expect(plan).toContain('CPU: 2 → 1');
    expect(h.azure.count('DELETE', /\/containerGroups\/api$/)).toBe(1);
    await approve(replacement);
    await waitForCard(h, aci.prdChannel, replacement, 'Succeeded');
    expect(h.azure.count('DELETE', /\/containerGroups\/api$/)).toBe(2);
    expect(cpuOf(putsOf(h, 'api').at(-1)!)).toBe(1);
  });
});
