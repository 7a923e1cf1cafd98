import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/audit/redis-audit-log.ts';
import { dmChannelOf } from '../emulators/slack/index.ts';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('/ops audit export', () => {
  it('sends a long page as a file in the admin’s DM, never to the channel', async () => {
    h = await startHarness();
    const audit = new RedisAuditLog({ redis: h.redis, logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 50; i++)
      await audit.record({
        actor: ids.alice,
        action: 'command.acr.build',
        outcome: 'accepted',
        environment: 'dev',
        target: `contosodev: service-${i}:v${i}`,
        jobId: `j0000000000${String(i).padStart(2, '0')}`,
      });
    const res = await h.command('audit --env dev', { command: '/ops', userId: ids.admin });
    expect(replyOf(res).text).toContain('as a file in our DM');
    const file = await h.slack.waitFor(() => h!.slack.files.find((f) => f.filename === 'audit.txt'), 5000);
    expect(file.channel).toBe(dmChannelOf(ids.admin));
    expect(file.content).toContain('service-49');
    expect(h.slack.messages(ids.devChannel)).toHaveLength(0);
  });
});
