import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, type Harness } from '../../helpers/harness.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import {
  allSecrets,
  cardEnds,
  cardsIn,
  cardWith,
  cred,
  DAY,
  onlyFreshSecret,
  rotate,
  scanNow,
  startCredentialHarness,
  startTokenHarness,
  vaultState,
} from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Everything the product wrote outside Azure. */
function outsideAzure(harness: Harness): string {
  return [JSON.stringify(harness.slack.calls), JSON.stringify(harness.slack.responses), harness.logs.join('\n')].join('\n');
}

describe('expiry alerts', () => {
  it('flags the right secrets of 2,500 apps over 3 pages, once per threshold', async () => {
    h = await startCredentialHarness({
      scoped: false,
      prepare: (azure) => {
        azure.graph.addApplications(2500, (i) => ({
          displayName: `app-${String(i).padStart(4, '0')}`,
          tenantId: ids.tenant,
          // Every 100th app has a secret in 20 days, every 250th one expired yesterday, the rest are far off.
          passwordCredentials: [{ displayName: 'ci', endDateTime: new Date(Date.now() + (i % 250 === 0 ? -1.5 : i % 100 === 0 ? 20.5 : 200) * DAY) }],
        }));
      },
    });
    // Graph throttles the first page: the scan waits Retry-After and goes on.
    h.azure.graph.throttleNext(1, 1);
    await scanNow(h, 'scan-1');
    await h.slack.waitFor(() => cardWith(h!, cred.alertChannel, 'Client secrets expiring'), 20_000);
    expect(h.azure.requests.filter((r) => r.path.startsWith('/v1.0/applications') && r.status === 429)).toHaveLength(1);
    const alert = JSON.stringify(cardWith(h, cred.alertChannel, 'Client secrets expiring')!.blocks);
    // 20 apps at 20 days, 10 expired (every 250th; those are also multiples of 100), and the pipeline app at 5 days.
    expect(alert).toContain('31 secrets crossed an alert threshold, 10 already expired');
    expect((alert.match(/credential\.rotate/g) ?? []).length).toBe(31);
    expect(alert).toContain('build-pipeline');
    const pages = h.azure.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/applications') && r.status === 200);
    expect(pages).toHaveLength(3);

    await scanNow(h, 'scan-2');
    await new Promise((r) => setTimeout(r, 2500));
    expect(cardsIn(h, cred.alertChannel)).toHaveLength(1); // nothing new: no second alert

    // One secret moves from "20 days" to "6 days": it crosses the 7-day threshold, and only it is news.
    const moved = h.azure.graph.applications().find((a) => a.displayName === 'app-0100')!;
    h.azure.graph.setEndDateTime(moved.appId, 'ci', new Date(Date.now() + 6.5 * DAY));
    await scanNow(h, 'scan-3');
    await h.slack.waitFor(() => cardsIn(h!, cred.alertChannel).length === 2, 20_000);
    const second = JSON.stringify(cardsIn(h, cred.alertChannel)[1]!.blocks);
    expect(second).toContain('1 secret crossed an alert threshold');
    expect(second).toContain('app-0100');
  });

  it('answers /sp expiring privately, and refuses non-admins', async () => {
    h = await startCredentialHarness();
    const refused = await h.command('expiring', { command: '/sp', userId: ids.alice });
    expect(replyOf(refused).text).toContain('admin');
    const res = await h.command('expiring --days 10', { command: '/sp', userId: ids.admin });
    expect(replyOf(res).text).toContain('only you see it');
    await h.slack.waitFor(() => h!.slack.responses.some((r) => JSON.stringify(r.body).includes('build-pipeline')), 10_000);
    const answer = JSON.stringify(h.slack.responses.find((r) => JSON.stringify(r.body).includes('build-pipeline'))!.body);
    expect(answer).toContain('ephemeral');
    expect(answer).toContain('5 days left');
  });
});

describe('rotation triggers', () => {
  it('rotates from the Rotate button of an alert (admins only)', async () => {
    h = await startCredentialHarness({ credentials: '  gracePeriod: 1s' });
    await scanNow(h, 'scan-button');
    await h.slack.waitFor(() => cardWith(h!, cred.alertChannel, 'credential.rotate'), 20_000);
    const alert = cardWith(h, cred.alertChannel, 'credential.rotate')!;
    const value = /"value":"([^"]+#\d+)"/.exec(JSON.stringify(alert.blocks))![1]!;
    await h.click('credential.rotate', value, { userId: ids.alice, messageTs: alert.ts, channelId: cred.alertChannel });
    await h.slack.waitFor(() => h!.slack.responses.some((r) => JSON.stringify(r.body).includes('admin')), 5000);
    expect(h.azure.graph.application(cred.pipelineApp)!.passwordCredentials).toHaveLength(1);
    await h.click('credential.rotate', value, { userId: ids.admin, messageTs: alert.ts, channelId: cred.alertChannel });
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, cred.alertChannel, 'Rotate secret of build-pipeline')?.blocks ?? []).includes('Succeeded'), 30_000);
    const app = h.azure.graph.application(cred.pipelineApp)!;
    expect(app.passwordCredentials).toHaveLength(1);
    expect(app.passwordCredentials[0]!.keyId).not.toBe(cred.oldKeyId);
  });

  it('rotates apps marked autoRotate from the scheduled scan, once however many scans see it', async () => {
    h = await startCredentialHarness({ credentials: '  gracePeriod: 1s', app: '      autoRotate: true\n      rotateBeforeDays: 14' });
    await scanNow(h, 'scan-auto-1');
    await scanNow(h, 'scan-auto-2');
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, cred.alertChannel, 'Rotate secret of build-pipeline')?.blocks ?? []).includes('Succeeded'), 30_000);
    expect(h.slack.messages(cred.alertChannel).filter((m) => JSON.stringify(m.blocks ?? []).includes('Rotate secret of')).length).toBe(1);
    const app = h.azure.graph.application(cred.pipelineApp)!;
    expect(app.passwordCredentials).toHaveLength(1);
    expect(app.passwordCredentials[0]!.keyId).not.toBe(cred.oldKeyId);
  });
});

describe('auto-rotation, again and again', () => {
  it('rotates a secret that an earlier rotation created, like any other', async () => {
    // The app's only secret came from a rotation long finished (its job is gone).
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      app: '      autoRotate: true\n      rotateBeforeDays: 14',
      oldSecretName: 'chatops-rotation-j0ld0ld0ld0ld',
    });
    await scanNow(h, 'scan-second-time');
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, cred.alertChannel, 'Rotate secret of build-pipeline')?.blocks ?? []).includes('Succeeded'), 30_000);
    await onlyFreshSecret(h);
    expect(JSON.stringify(cardWith(h, cred.alertChannel, 'Client secrets expiring')!.blocks)).toContain('Rotating build-pipeline automatically');
  });

  it('never rotates the bot’s own credential, and says so in the alert', async () => {
    h = await startCredentialHarness({
      app: '      autoRotate: true\n      rotateBeforeDays: 14',
      env: { AZURE_CLIENT_ID: cred.pipelineApp, AZURE_CLIENT_SECRET: cred.oldSecret },
    });
    await scanNow(h, 'scan-own');
    await h.slack.waitFor(() => cardWith(h!, cred.alertChannel, 'bot’s own credential'), 20_000);
    expect(h.azure.requests.filter((r) => r.path.endsWith('/addPassword'))).toHaveLength(0);
  });
});

describe('rotation with consumers', () => {
  it('redeploys the container groups that pull with the app, with the new secret, before removing the old one', async () => {
    h = await startCredentialHarness({
      registries: 'emulator',
      credentials: '  gracePeriod: 1s',
      app: '      consumers: [{ environment: dev, containerGroup: web }]',
      dev: `    keyVaultUrl: KV_URL\n    registryCredentials: { username: ${cred.pipelineApp}, passwordSecret: ${cred.secretName} }`,
      prepare: (azure) => {
        azure.aci.addResourceGroup(ids.subscription, 'rg-dev', 'eastus');
        azure.aci.allowImagesFrom(
          azure.registryData
            .endpoint('contosodev')
            .replace(/^https:\/\//, '')
            .split('/')[0]!,
        );
        azure.registryData.pushTag('contosodev', 'web', 'v1');
        azure.aci.timing.provisionMs = 300;
      },
    });
    const deploy = await h.command('create -n web --image web:v1', { command: '/aci', userId: ids.alice, channelId: ids.devChannel });
    const deployId = /`(j[0-9a-z]{12})`/.exec(replyOf(deploy).text)![1]!;
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, ids.devChannel, deployId)?.blocks ?? []).includes('Succeeded'), 20_000);
    const pulls = () =>
      h!.azure.aci
        .puts('web')
        .map((p) => (p.body as { properties: { imageRegistryCredentials: { password: string }[] } }).properties.imageRegistryCredentials[0]!.password);
    expect(pulls()).toEqual([cred.oldSecret]);

    const jobId = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, ids.devChannel, jobId)?.blocks ?? []).includes('Succeeded'), 30_000);
    const fresh = h.azure.graph.application(cred.pipelineApp)!.passwordCredentials[0]!;
    expect(h.azure.graph.application(cred.pipelineApp)!.passwordCredentials).toHaveLength(1);
    expect(pulls()).toEqual([cred.oldSecret, h.azure.graph.secretOf(cred.pipelineApp, fresh.keyId)]);
    // The redeploy happened before the old secret went.
    const redeployAt = h.azure.aci.puts('web')[1]!.at.getTime();
    const removed = h.azure.requests.find((r) => r.method === 'POST' && r.path.endsWith('/removePassword'))!;
    expect(removed.at.getTime()).toBeGreaterThanOrEqual(redeployAt);
    for (const secret of allSecrets(h.azure, [cred.pipelineApp])) expect(outsideAzure(h)).not.toContain(secret);
  });
});

describe('rotation', () => {
  it('adds, stores, verifies and removes the old secret after the grace period', async () => {
    h = await startCredentialHarness({ credentials: '  gracePeriod: 2s' });
    const jobId = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await cardEnds(h, jobId, 'Succeeded');
    const fresh = await onlyFreshSecret(h);
    expect((await vaultState(h)).tags ?? {}).toMatchObject({ keyId: fresh.keyId, appId: cred.pipelineApp, rotatedBy: jobId });
    const ts = cardWith(h, ids.devChannel, jobId)!.ts;
    await h.slack.waitFor(() => JSON.stringify(h!.slack.thread(ids.devChannel, ts)).includes('Removed old secret'), 5000);
    const thread = JSON.stringify(h.slack.thread(ids.devChannel, ts));
    for (const step of ['Added secret', 'New secret verified', 'will be removed at', 'Removed old secret']) expect(thread, thread).toContain(step);
    for (const secret of allSecrets(h.azure, [cred.pipelineApp])) expect(outsideAzure(h)).not.toContain(secret);
  });

  it('waits for Entra ID to propagate the new secret, then succeeds', async () => {
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      prepare: (azure) => {
        azure.graph.propagationMs = 3000;
      },
    });
    const jobId = await rotate(h, 'rotate --app build-pipeline');
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, ids.devChannel, jobId)?.blocks ?? []).includes('Succeeded'), 30_000);
    const thread = JSON.stringify(h.slack.thread(ids.devChannel, cardWith(h, ids.devChannel, jobId)!.ts));
    expect(thread).toContain('has not accepted the new secret yet');
    expect(h.azure.graph.application(cred.pipelineApp)!.passwordCredentials).toHaveLength(1);
  });

  it('removes the new secret, keeps the old one and says so when it never works', async () => {
    h = await startCredentialHarness({ credentials: '  verifyTimeout: 3s', prepare: (azure) => azure.graph.neverPropagate(cred.pipelineApp) });
    const jobId = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, ids.devChannel, jobId)?.blocks ?? []).includes('Failed'), 30_000);
    expect(h.azure.graph.application(cred.pipelineApp)!.passwordCredentials.map((p) => p.keyId)).toEqual([cred.oldKeyId]);
    expect((await vaultState(h)).value).toBe(cred.oldSecret);
    expect(JSON.stringify(cardWith(h, ids.devChannel, jobId)!.blocks)).toContain('the old secret is untouched');
  });

  it('stops at once, without waiting out verifyTimeout, when Entra ID answers definitely (AADSTS700016)', async () => {
    // The app registration is there (Graph adds the secret) but has no service principal in the tenant.
    h = await startCredentialHarness({ credentials: '  verifyTimeout: 10m', prepare: (azure) => azure.graph.removeServicePrincipal(cred.pipelineApp) });
    const started = Date.now();
    const jobId = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, ids.devChannel, jobId)?.blocks ?? []).includes('Failed'), 20_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    const card = JSON.stringify(cardWith(h, ids.devChannel, jobId)!.blocks);
    expect(card).toContain('AADSTS700016');
    expect(h.azure.graph.application(cred.pipelineApp)!.passwordCredentials.map((p) => p.keyId)).toEqual([cred.oldKeyId]);
    expect((await vaultState(h)).value).toBe(cred.oldSecret);
    // One sign-in attempt with the new secret: a definite answer is not retried.
    expect(
      h.azure.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token') && (r.body as { client_id?: string }).client_id === cred.pipelineApp),
    ).toHaveLength(1);
  });

  it('keeps exactly one new secret when Graph answers 503 after creating one: the unknown one is removed', async () => {
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      prepare: (azure) => azure.failNext({ method: 'POST', path: /\/addPassword$/, status: 503, afterHandler: true }),
    });
    const jobId = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await cardEnds(h, jobId, 'Succeeded');
    await onlyFreshSecret(h);
    // Two secrets were created (the first one's answer was lost); the unknown one went.
    expect(h.azure.graph.issuedSecrets(cred.pipelineApp)).toHaveLength(3);
    const thread = JSON.stringify(h.slack.thread(ids.devChannel, cardWith(h, ids.devChannel, jobId)!.ts));
    expect(thread).toContain('never stored');
  });

  for (const killAt of ['appId', 'stored', 'verified', 'grace'] as const) {
    it(`ends with exactly one new, stored, verified secret when the worker is SIGKILLed at ${killAt}`, async () => {
      h = await startCredentialHarness({
        worker: 'child',
        credentials: '  gracePeriod: 2s',
        prepare: (azure) => {
          azure.graph.propagationMs = 1500;
        },
      });
      const jobId = await rotate(h, `rotate --app ${cred.pipelineApp}`);
      await h.slack.waitFor(async () => {
        const raw = await h!.redis.hget(`chatops:jobs:${jobId}`, 'data');
        const p = raw ? (JSON.parse(raw) as { progress: { phase: string; appId?: string; verifiedAt?: string } }).progress : undefined;
        if (killAt === 'appId') return p?.appId !== undefined;
        // 'verified' lasts an instant without consumers; its timestamp stays.
        if (killAt === 'verified') return p?.verifiedAt !== undefined;
        return p?.phase === killAt;
      }, 20_000);
      await h.killWorker();
      await h.startWorker();
      await cardEnds(h, jobId, 'Succeeded', ids.devChannel, 40_000);
      const fresh = await onlyFreshSecret(h); // no orphan, old removed
      expect((await vaultState(h)).tags?.keyId).toBe(fresh.keyId);
      for (const secret of allSecrets(h.azure, [cred.pipelineApp])) expect(outsideAzure(h)).not.toContain(secret);
    });
  }
});

describe('registry tokens', () => {
  it('alerts on an expiring token password and rotates the slot not in use, then retires the other', async () => {
    h = await startTokenHarness();
    await scanNow(h, 'scan-tokens');
    await h.slack.waitFor(() => cardWith(h!, cred.alertChannel, 'registry token contosodev/ci-pull'), 20_000);

    const res = await h.command('token rotate --name ci-pull', { command: '/acr', userId: ids.admin, channelId: ids.devChannel });
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    await h.slack.waitFor(() => JSON.stringify(cardWith(h!, ids.devChannel, jobId)?.blocks ?? []).includes('Succeeded'), 30_000);
    const token = h.azure.acr.token('contosodev', 'ci-pull')!;
    expect(token.passwords.map((p) => p.name)).toEqual(['password2']);
    const fresh = h.azure.acr.tokenPassword('contosodev', 'ci-pull', 'password2')!;
    const stored = h.azure.keyVault.secretVersions('kv-ops', 'acr-token-contosodev-ci-pull').at(-1)!;
    expect(stored.value).toBe(fresh);
    expect(stored.tags).toMatchObject({ slot: 'password2', token: 'ci-pull' });
    expect(h.azure.acr.checkTokenPassword('contosodev', 'ci-pull', fresh)).toBe(true);
    expect(h.azure.acr.checkTokenPassword('contosodev', 'ci-pull', 'token-password-one-in-use')).toBe(false);
    expect(outsideAzure(h)).not.toContain(fresh);
    // Dropping password1 sends what `az acr token credential delete --password1` sends (azure-cli, acr/token.py).
    const drops = h.azure.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/tokens/ci-pull'));
    expect(drops.map((r) => r.body)).toEqual([{ properties: { credentials: { passwords: [{ name: 'password2' }] } } }]);
    // The sign-in check goes to the registry's data plane with plain fetch: counted there too.
    const metrics = (await scrape(h.botUrl.replace(/\/slack\/events$/, ''))).text;
    expect(metricValue(metrics, 'chatops_azure_requests_total', { service: 'acr-data', status_class: '2xx' })).toBeGreaterThanOrEqual(1);

    const refused = await h.command('token rotate --name ci-pull', { command: '/acr', userId: ids.alice, channelId: ids.devChannel });
    expect(replyOf(refused).text).toContain('admin');
  });
});
