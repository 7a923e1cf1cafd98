/**
 * `/acr show`, `/acr update`, `/acr replication …` and `/acr token create|list` end to end:
 * signed Slack requests → Bolt → BullMQ → worker → the real ARM client → the HTTPS emulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scopeMapNameOf } from '../../../src/core/registry/scope-map-name.ts';
import { ids, type Harness } from '../../helpers/harness.ts';
import { dmChannelOf } from '../../emulators/slack/index.ts';
import { answer, answered, cardOf, everythingSaid, finished, reg, run, startRegistryHarness, threadText, waitForButton } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const armUnder = (h: Harness, method: string, suffix: RegExp) =>
  h.azure.requests.filter(
    (r) => r.kind === 'arm' && r.method === method && r.path.startsWith(reg.registryId) && suffix.test(r.path.slice(reg.registryId.length)),
  );

describe('/acr show and /acr update', () => {
  it('shows the registry to a viewer and never asks Azure for the admin password', async () => {
    h = await startRegistryHarness();
    const show = await run(h, 'show', ids.carol);
    const shown = await answered(h, show);
    expect(shown).toContain('contosodev is a Standard registry in eastus');
    expect(shown).toContain('contosodev.azurecr.io');
    expect(shown).toMatch(/Admin user\*\\n\s*disabled|Admin user[^"]*disabled/);
    expect(cardOf(h, show)).toBeUndefined();
    expect(h.azure.count('POST', /\/listCredentials$/)).toBe(0);
  });

  it('lets only admins change the admin user, and never shows its password', async () => {
    h = await startRegistryHarness();
    expect(await answer(h, 'update --admin-enabled true', ids.alice)).toContain('admin');
    expect(armUnder(h, 'PATCH', /^$/)).toHaveLength(0);

    const on = await run(h, 'update --admin-enabled true', ids.admin);
    expect(await finished(h, on)).toContain('The admin user of contosodev is now enabled');
    expect(h.azure.acr.registry('contosodev')!.adminUserEnabled).toBe(true);
    const patch = armUnder(h, 'PATCH', /^$/);
    expect(patch).toHaveLength(1);
    expect(patch[0]!.body).toEqual({ properties: { adminUserEnabled: true } });
    expect(threadText(h, on)).toContain('never in Slack');

    const off = await run(h, 'update --admin-enabled false', ids.admin);
    expect(await finished(h, off)).toContain('now disabled');
    expect(h.azure.acr.registry('contosodev')!.adminUserEnabled).toBe(false);
    expect(h.azure.count('POST', /\/listCredentials$/)).toBe(0);
    const audit = await h.redis.xrange('chatops:audit', '-', '+');
    expect(JSON.stringify(audit)).toContain('acr.update.apply');
  });
});

describe('/acr replication', () => {
  it('creates a replica as a followed long-running operation, lists it, and deletes it only after the requester confirms', async () => {
    h = await startRegistryHarness({
      registrySku: 'Premium',
      setup: (azure) => {
        azure.acr.replicationOperationMs = 1500;
      },
    });
    expect(await answer(h, 'replication create --location japaneast', ids.alice)).toContain('admin');

    const create = await run(h, 'replication create --location "Japan East"', ids.admin);
    await h.slack.waitFor(() => threadText(h!, create).includes('accepted the replica'), 10_000);
    expect(h.azure.acr.replications('contosodev').find((r) => r.location === 'japaneast')?.provisioningState).toBe('Creating');
    expect(await finished(h, create)).toContain('contosodev is now replicated to japaneast');
    const puts = armUnder(h, 'PUT', /^\/replications\/japaneast$/);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.body).toMatchObject({ location: 'japaneast' });
    // Followed with GETs of the replica (durable waits), not one long poll.
    expect(armUnder(h, 'GET', /^\/replications\/japaneast$/).length).toBeGreaterThanOrEqual(2);

    const list = await answered(h, await run(h, 'replication list', ids.carol));
    expect(list).toContain('contosodev is in 2 locations:');
    expect(list).toMatch(/eastus[^"]*Succeeded/);
    expect(list).toMatch(/japaneast[^"]*Succeeded/);

    const show = await answered(h, await run(h, 'show', ids.carol));
    expect(show).toMatch(/eastus \(Ready\), japaneast \(Ready\)|japaneast \(Ready\), eastus \(Ready\)/);

    const del = await run(h, 'replication delete --location japaneast', ids.admin);
    const ts = await waitForButton(h, del, 'approval.confirm');
    expect(armUnder(h, 'DELETE', /replications/)).toHaveLength(0);
    await h.click('approval.confirm', del, { userId: ids.bob, messageTs: ts, channelId: ids.devChannel });
    await new Promise((r) => setTimeout(r, 500));
    expect(armUnder(h, 'DELETE', /replications/)).toHaveLength(0);
    await h.click('approval.confirm', del, { userId: ids.admin, messageTs: ts, channelId: ids.devChannel });
    expect(await finished(h, del)).toContain('The japaneast replica of contosodev was deleted');
    expect(armUnder(h, 'DELETE', /^\/replications\/japaneast$/)).toHaveLength(1);
    expect(h.azure.acr.replications('contosodev').map((r) => r.location)).toEqual(['eastus']);
  });

  it('explains why a Standard registry cannot be replicated, and changes nothing', async () => {
    h = await startRegistryHarness();
    const create = await run(h, 'replication create --location japaneast', ids.admin);
    const card = await finished(h, create);
    expect(card).toContain('geo-replication needs the Premium SKU');
    expect(threadText(h, create)).toContain('az acr update --sku Premium');
    expect(armUnder(h, 'PUT', /replications/)).toHaveLength(0);
  });

  it('refuses the home region and bad locations before anything is queued', async () => {
    h = await startRegistryHarness({ registrySku: 'Premium' });
    expect(await answer(h, 'replication create --location "japan/east"', ids.admin)).toContain("isn't an Azure location");
    const home = await run(h, 'replication create --location eastus', ids.admin);
    expect(await finished(h, home)).toContain('home region');
    expect(armUnder(h, 'PUT', /replications/)).toHaveLength(0);
  });
});

describe('/acr token create and list', () => {
  it('creates a scope map and token, puts the password in Key Vault, and never shows it', async () => {
    h = await startRegistryHarness({ registries: 'emulator' });
    expect(await answer(h, 'token create --name ci-pull --repository web content/read', ids.alice)).toContain('admin');

    const create = await run(
      h,
      'token create --name ci-pull --repository web content/read metadata/read --repository team/api content/read --expiration-in-days 30',
      ids.admin,
    );
    const card = await finished(h, create);
    expect(card).toContain('Token ci-pull was created with 3 permissions');
    expect(card).toContain('acr-token-contosodev-ci-pull');

    const scopeMap = h.azure.acr.scopeMap('contosodev', 'ci-pull-scope-map');
    expect(scopeMap?.actions.sort()).toEqual(['repositories/team/api/content/read', 'repositories/web/content/read', 'repositories/web/metadata/read']);
    const token = h.azure.acr.token('contosodev', 'ci-pull')!;
    expect(token.scopeMapId.toLowerCase()).toBe(scopeMap!.id.toLowerCase());
    expect(token.status).toBe('enabled');
    const expiry = token.passwords.find((p) => p.name === 'password1')!.expiry!;
    expect(Math.abs(expiry.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(120_000);

    const password = h.azure.acr.tokenPassword('contosodev', 'ci-pull', 'password1')!;
    const stored = h.azure.keyVault.secretVersions('kv-ops', 'acr-token-contosodev-ci-pull');
    expect(stored).toHaveLength(1);
    expect(h.azure.acr.checkTokenPassword('contosodev', 'ci-pull', password)).toBe(true);
    const generate = h.azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/generateCredentials'));
    expect(generate).toHaveLength(1);
    expect(generate[0]!.body).toMatchObject({ name: 'password1', tokenId: token.id });
    expect(threadText(h, create)).toContain('acr-token-contosodev-ci-pull');
    expect(threadText(h, create)).toContain(`docker login ${h.azure.acr.registry('contosodev')!.loginServer} -u ci-pull`);
    expect(await everythingSaid(h)).not.toContain(password);

    const again = await run(h, 'token create --name ci-pull --repository web content/read', ids.admin);
    expect(await finished(h, again)).toContain('Token ci-pull already exists');
    expect(h.azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/generateCredentials'))).toHaveLength(1);
  });

  it('gives a token with a long name a scope map name ARM accepts, derived from the token name', async () => {
    h = await startRegistryHarness();
    const name = 'ci-pull-for-the-payments-team-nightly-release-jobs'; // 50 characters
    const other = 'ci-pull-for-the-payments-team-nightly-release-jobz';
    for (const token of [name, other])
      expect(await finished(h, await run(h, `token create --name ${token} --repository web content/read`, ids.admin))).toContain(`Token ${token} was created`);
    const maps = [name, other].map((t) => h!.azure.acr.token('contosodev', t)!.scopeMapId.split('/').at(-1)!);
    for (const map of maps) expect(map).toMatch(/^[a-zA-Z0-9_-]{5,50}$/);
    expect(maps[0]).not.toBe(maps[1]);
    expect(maps[0]).toBe(scopeMapNameOf(name));
    expect(h.azure.acr.scopeMap('contosodev', maps[0]!)?.actions).toEqual(['repositories/web/content/read']);
    // Short names keep az's `<token>-scope-map`.
    expect(scopeMapNameOf('ci-pull')).toBe('ci-pull-scope-map');
  });

  it('lists every token across pages with password expiry, never values', async () => {
    h = await startRegistryHarness({
      setup: (azure) => {
        azure.acr.tokenPageSize = 2;
        for (let i = 1; i <= 5; i++)
          azure.acr.addToken('contosodev', `ci-token-${i}`, {
            passwords: [{ name: 'password1', value: `value-of-token-${i}`, expiry: new Date(Date.now() + (i * 10 + 0.5) * 86_400_000) }],
          });
      },
    });
    const list = await run(h, 'token list', ids.admin);
    const listed = await answered(h, list);
    expect(listed).toContain('5 tokens, 2 with a password expiring within 30 days');
    for (let i = 1; i <= 5; i++) {
      expect(listed).toContain(`ci-token-${i}`);
      expect(listed).not.toContain(`value-of-token-${i}`);
    }
    expect(h.azure.count('GET', /\/tokens$/)).toBe(3);
    expect(cardOf(h, list)).toBeUndefined();
  });

  it('sends a long list as a file in the asker’s DM instead of a wall of text', async () => {
    h = await startRegistryHarness({
      setup: (azure) => {
        for (let i = 1; i <= 80; i++) azure.acr.addToken('contosodev', `pull-token-${String(i).padStart(3, '0')}`);
      },
    });
    const list = await run(h, 'token list', ids.admin);
    expect(await answered(h, list)).toContain('80 tokens');
    await h.slack.waitFor(() => h!.slack.files.some((f) => f.filename === 'tokens-contosodev.txt'), 5000);
    const file = h.slack.files.find((f) => f.filename === 'tokens-contosodev.txt')!;
    expect(file.channel).toBe(dmChannelOf(ids.admin));
    expect(file.content.split('\n').filter((l) => l.startsWith('pull-token-'))).toHaveLength(80);
    expect(h.azure.count('GET', /\/tokens$/)).toBe(4);
  });
});
