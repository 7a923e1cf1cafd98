import { afterEach, describe, expect, it } from 'vitest';
import { ids, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('start-up channel checks', () => {
  it('logs a configured channel the bot cannot post in, and starts anyway', async () => {
    h = await startHarness({ setup: (_azure, slack) => slack.addChannel(ids.prodChannel, { isPrivate: true, isMember: false }) });
    const line = await h.slack.waitFor(() => h!.logs.find((l) => l.includes('Slack channel unreachable')), 5000);
    expect(JSON.parse(line)).toMatchObject({
      level: 50,
      channel: ids.prodChannel,
      uses: ['environment prod'],
      problem: expect.stringContaining('/invite @azure-chatops'),
    });
    expect(h.logs.some((l) => l.includes('Slack channel reachable') && l.includes(ids.devChannel))).toBe(true);
    // And it serves commands.
    const res = await h.command('whoami', { command: '/ops' });
    expect(res.status).toBe(200);
  });
});
