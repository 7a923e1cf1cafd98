/** A click that does nothing visible and says nothing reads as broken: every click is answered. */
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_STREAM_KEY } from '../../../src/audit/redis-audit-log.ts';
import { ids, type Harness } from '../../helpers/harness.ts';
import { aci, aciCommand, cardOf, putsOf, responsesWith, startAciHarness, waitForCard } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const stg = { userId: ids.alice, channelId: aci.stgChannel };

async function deployed(harness: Harness, text: string): Promise<string> {
  const jobId = await aciCommand(harness, text, stg);
  await waitForCard(harness, aci.stgChannel, jobId, 'Succeeded');
  return jobId;
}

describe('every click gets an answer', () => {
  it('Rollback says what went wrong when the audit log cannot be written, and rolls nothing back', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1');
    const v2 = await deployed(h, 'create -n web --image web:v2');
    // The audit stream becomes unwritable (a key of the wrong type): a privileged action must not happen.
    await h.redis.del(AUDIT_STREAM_KEY);
    await h.redis.set(AUDIT_STREAM_KEY, 'not a stream');
    await h.click('deploy.rollback', v2, { userId: ids.alice, messageTs: cardOf(h, aci.stgChannel, v2)!.ts, channelId: aci.stgChannel });
    const told = await h.slack.waitFor(() => responsesWith(h!, 'audit log is unavailable')[0], 5000);
    expect(JSON.stringify(told)).toContain('nothing was done');
    await new Promise((r) => setTimeout(r, 500));
    expect(putsOf(h, 'web')).toHaveLength(2);
  });

  it('Cancel on a card whose job is gone says so', async () => {
    h = await startAciHarness();
    await h.click('job.cancel', 'j000000000000', { userId: ids.alice, messageTs: '1.000001', channelId: aci.stgChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'no longer exists').length > 0, 5000);
  });
});
