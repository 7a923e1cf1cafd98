/**
 * What the queue dashboard shows never holds a secret: job data, progress, logs and failures
 * of a deploy with secure variables and of a secret rotation are read through the dashboard's
 * own API, and none of the planted secret values is in them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { everythingTheDashboardShows } from '../helpers/dashboard.ts';
import { ids, replyOf, type Harness } from '../helpers/harness.ts';
import { freePort } from '../helpers/redis-server.ts';
import { aci, deployed, stg, startAciHarness } from './aci/setup.ts';
import { allSecrets, cred, startCredentialHarness } from './credentials/setup.ts';

const admin = { username: 'ops', password: 'dashboard-password-for-tests' };
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function adminEnv(): Promise<{ url: string; env: Record<string, string> }> {
  const port = await freePort();
  return {
    url: `http://127.0.0.1:${port}`,
    env: { CHATOPS_ADMIN_PORT: String(port), CHATOPS_ADMIN_USER: admin.username, CHATOPS_ADMIN_PASSWORD: admin.password },
  };
}

describe('the queue dashboard and secrets', () => {
  it('shows a deploy with secure variables and a registry pull secret without their values', async () => {
    const { url, env } = await adminEnv();
    h = await startAciHarness({ env });
    const jobId = await deployed(h, 'create -n web --image web:v1 --secure-environment-variables DB_PASSWORD=@kv:db-password API_KEY=@kv:acr-pull', stg);
    const shown = await everythingTheDashboardShows(url, admin);
    // The deploy is there, with its Key Vault references...
    expect(shown).toContain(jobId);
    expect(shown).toContain('db-password');
    // ...and no value the PUT carried.
    expect(shown).not.toContain(aci.dbPassword);
    expect(shown).not.toContain(aci.pullPassword);
  });

  it('shows a secret rotation without the old or the new secret', async () => {
    const { url, env } = await adminEnv();
    h = await startCredentialHarness({ env, credentials: '  gracePeriod: 1s' });
    const res = await h.command(`rotate --app ${cred.pipelineApp}`, { command: '/sp', userId: ids.admin, channelId: ids.devChannel });
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    await h.slack.waitFor(
      () => JSON.stringify(h!.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks).includes(jobId))?.blocks ?? []).includes('Succeeded'),
      30_000,
    );
    const shown = await everythingTheDashboardShows(url, admin);
    expect(shown).toContain(jobId);
    expect(shown).toContain('rotate-secret');
    const secrets = [cred.oldSecret, ...allSecrets(h.azure, [cred.pipelineApp])];
    expect(secrets.length).toBeGreaterThan(1);
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });
});
