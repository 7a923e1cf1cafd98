/**
 * `/acr replication show --location L`, the worked example of CONTRIBUTING.md, end to end:
 * signed Slack request → Bolt → its spec → BullMQ → the acr-query job's `replication` query →
 * the real ARM client → the HTTPS emulator's `GET /replications/{name}`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../../helpers/harness.ts';
import { answer, answered, cardOf, reg, run, startRegistryHarness } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('/acr replication show', () => {
  it('shows one replica to a viewer, privately, from one ARM GET', async () => {
    h = await startRegistryHarness({ registrySku: 'Premium' });
    const show = await run(h, 'replication show --location eastus', ids.carol);
    const shown = await answered(h, show);
    // A Premium registry's home replica is named after its location (ReplicationList.json).
    expect(shown).toContain('Replication eastus of contosodev is Ready.');
    expect(shown).toContain('Succeeded');
    expect(cardOf(h, show)).toBeUndefined();
    const gets = h.azure.requests.filter((r) => r.kind === 'arm' && r.method === 'GET' && r.path === `${reg.registryId}/replications/eastus`);
    expect(gets).toHaveLength(1);
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toContain('command.acr.replication.show');
  });

  it('says where to look when there is no replica there', async () => {
    h = await startRegistryHarness({ registrySku: 'Premium' });
    const missing = await answered(h, await run(h, 'replication show --location japaneast', ids.carol));
    expect(missing).toContain('contosodev has no replication named japaneast');
    expect(missing).toContain('/acr replication list');
    expect(await answer(h, 'replication show --location eastus --env nowhere', ids.carol)).toContain('There is no environment called');
  });
});
