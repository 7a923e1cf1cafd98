import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channelReadinessCheck, checkChannels, configuredChannels, logChannelReachability } from '../../src/slack/channel-checks.ts';
import { startSlackEmulator, type SlackEmulator } from '../emulators/slack/index.ts';
import { configFromYaml } from '../fakes/index.ts';

const token = 'xoxb-channel-checks';
let slack: SlackEmulator;
const client = (t = token) => new WebClient(t, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

beforeAll(async () => {
  slack = await startSlackEmulator({ strictChannels: true });
  slack.addToken(token, { teamId: 'T0', botUserId: 'U0BOT' });
  slack.addChannel('C0ALERTS');
  slack.addChannel('C0DEV', { isMember: false });
  slack.addChannel('G0PROD', { isPrivate: true, isMember: false });
  slack.addChannel('C0OLD', { isArchived: true });
});
beforeEach(() => slack.reset());
afterAll(() => slack.close());

const channels = new Map([
  ['C0ALERTS', ['alert channel']],
  ['C0DEV', ['environment dev']],
  ['G0PROD', ['environment prod']],
  ['C0OLD', ['environment qa']],
  ['C0GONE', ['environment qa']],
]);

describe('channel checks', () => {
  it('lists every configured channel with what it is for', () => {
    const config = configFromYaml(`
environments:
  dev: { subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: rg-dev, location: eastus, channels: [C0DEV] }
  prod: { subscriptionId: 11111111-1111-1111-1111-111111111111, resourceGroup: rg-prod, location: westeurope, channels: [G0PROD] }
access:
  channels: { prod: [G0PROD, C0WAR] }
credentials:
  alertChannel: C0DEV
  keyVaultUrl: https://ops-kv.vault.azure.net
`);
    expect([...configuredChannels(config)]).toEqual([
      ['C0DEV', ['alert channel', 'environment dev']],
      ['G0PROD', ['environment prod']],
      ['C0WAR', ['environment prod']],
    ]);
  });

  it('says which channels the bot can post in, and how to fix the others', async () => {
    const result = await checkChannels(client(), channels);
    expect(result.ok).toBe(false);
    const by = Object.fromEntries(result.channels.map((r) => [r.channelId, r]));
    expect(by.C0ALERTS).toEqual({ channelId: 'C0ALERTS', uses: ['alert channel'], ok: true });
    expect(by.C0DEV).toMatchObject({ ok: true, detail: expect.stringContaining('build logs cannot be attached until someone runs /invite') });
    expect(by.G0PROD).toMatchObject({ ok: false, detail: expect.stringContaining('/invite @azure-chatops') });
    expect(by.C0OLD).toMatchObject({ ok: false, detail: expect.stringContaining('archived') });
    expect(by.C0GONE).toMatchObject({ ok: false, detail: expect.stringContaining('wrong id') });
    expect(slack.callsTo('auth.test')).toHaveLength(1);
    expect(slack.callsTo('conversations.info')).toHaveLength(5);
  });

  it('stops at a dead token', async () => {
    const result = await checkChannels(client('xoxb-revoked'), channels);
    expect(result).toMatchObject({ ok: false, channels: [], token: expect.stringContaining('invalid_auth') });
    expect(slack.callsTo('conversations.info')).toHaveLength(0);
  });

  it('answers readiness probes from a cached result, refreshed after cacheMs', async () => {
    let clock = 0;
    const readiness = channelReadinessCheck({ client: client(), channels: new Map([['C0ALERTS', ['alert channel']]]), cacheMs: 60_000, now: () => clock });
    expect(readiness.name).toBe('slack-channels');
    expect(await Promise.all([readiness.check(), readiness.check()])).toEqual([{ ok: true }, { ok: true }]);
    clock = 59_000;
    await readiness.check();
    expect(slack.callsTo('conversations.info')).toHaveLength(1);
    clock = 60_000;
    slack.errorNext({ method: 'conversations.info', error: 'channel_not_found' });
    expect(await readiness.check()).toEqual({ ok: false, detail: expect.stringContaining('C0ALERTS (alert channel): not found') });
    expect(slack.callsTo('conversations.info')).toHaveLength(2);
  });

  it('logs each channel at start-up, problems as errors, without throwing', async () => {
    const lines: { level: number; msg: string; channel?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write: (chunk, _e, cb) => {
          lines.push(JSON.parse(String(chunk)));
          cb();
        },
      }),
    );
    await logChannelReachability(client(), channels, logger);
    expect(lines.find((l) => l.channel === 'G0PROD')).toMatchObject({ level: 50, msg: 'Slack channel unreachable' });
    expect(lines.find((l) => l.channel === 'C0DEV')).toMatchObject({ level: 40, msg: 'Slack channel reachable with a limitation' });
    expect(lines.find((l) => l.channel === 'C0ALERTS')).toMatchObject({ level: 30, msg: 'Slack channel reachable' });
  });
});
