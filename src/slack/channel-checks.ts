import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { ReadinessCheck } from '../runtime/readiness.ts';
import { slackErrorOf } from './direct-message.ts';

/** What became of one channel the bot must post in. */
export interface ChannelReport {
  channelId: string;
  /** Why the bot posts there: "alert channel", "environment prod". */
  uses: string[];
  ok: boolean;
  /** What is wrong (not ok) or worth knowing (ok), and how to fix it. */
  detail?: string;
}

export interface ChannelCheckResult {
  ok: boolean;
  /** Set when the token itself does not work: no channel was looked at. */
  token?: string;
  channels: ChannelReport[];
}

/**
 * Every channel the bot is configured to post in, with why: the credentials alert channel, each
 * environment's `channels`, and the channels `access.channels` limits an environment to.
 */
export function configuredChannels(config: Pick<Config, 'environments' | 'access' | 'file'>): Map<string, string[]> {
  const channels = new Map<string, string[]>();
  const add = (id: string, use: string) => channels.set(id, [...(channels.get(id) ?? []), use]);
  if (config.file.credentials?.alertChannel) add(config.file.credentials.alertChannel, 'alert channel');
  for (const [name, env] of Object.entries(config.environments)) for (const id of env.channels) add(id, `environment ${name}`);
  for (const [name, ids] of Object.entries(config.access.channels))
    for (const id of ids) if (!channels.get(id)?.includes(`environment ${name}`)) add(id, `environment ${name}`);
  return channels;
}

/**
 * Whether the bot can post where it is configured to: `auth.test` (the token works), then
 * `conversations.info` per channel (needs `channels:read`, and `groups:read` for private ones).
 * A private channel the bot is not in is invisible to it (`channel_not_found`). A public one it
 * is not in still takes cards (`chat:write.public`) but refuses file uploads, so that is reported
 * as a warning, not a failure.
 */
export async function checkChannels(client: WebClient, channels: ReadonlyMap<string, string[]>): Promise<ChannelCheckResult> {
  try {
    await client.auth.test();
  } catch (err) {
    return {
      ok: false,
      token: `the bot token does not work (Slack said ${slackErrorOf(err)}): set SLACK_BOT_TOKEN to the app's Bot User OAuth Token`,
      channels: [],
    };
  }
  const reports = await Promise.all([...channels].map(([channelId, uses]) => checkOne(client, channelId, uses)));
  return { ok: reports.every((r) => r.ok), channels: reports };
}

async function checkOne(client: WebClient, channelId: string, uses: string[]): Promise<ChannelReport> {
  const base = { channelId, uses };
  try {
    const { channel } = await client.conversations.info({ channel: channelId });
    if (channel?.is_archived) return { ...base, ok: false, detail: 'the channel is archived: unarchive it or change chatops.yaml' };
    if (channel?.is_member === false) {
      return {
        ...base,
        ok: true,
        detail: 'the bot is not a member: cards still arrive, but build logs cannot be attached until someone runs /invite @azure-chatops there',
      };
    }
    return { ...base, ok: true };
  } catch (err) {
    const code = slackErrorOf(err);
    if (code === 'channel_not_found')
      return {
        ...base,
        ok: false,
        detail: 'not found: a private channel the bot was not invited to (run /invite @azure-chatops there), or a wrong id in chatops.yaml',
      };
    if (code === 'missing_scope')
      return { ...base, ok: false, detail: 'the token lacks channels:read / groups:read: reinstall the app from slack-manifest.yaml' };
    return { ...base, ok: false, detail: `could not be checked (Slack said ${code})` };
  }
}

/** One line for a check result: what is wrong, channel by channel. */
export function describeChannelCheck(result: ChannelCheckResult): string | undefined {
  if (result.token) return result.token;
  const lines = result.channels.filter((r) => r.detail).map((r) => `${r.channelId} (${r.uses.join(', ')}): ${r.detail}`);
  return lines.length > 0 ? lines.join('; ') : undefined;
}

export interface ChannelReadinessOptions {
  client: WebClient;
  channels: ReadonlyMap<string, string[]>;
  /** A result is reused this long: probes come every few seconds, `conversations.info` is Tier 3. @defaultValue 60_000 */
  cacheMs?: number;
  now?: () => number;
}

/**
 * The channel check as a readiness check (not ok while a configured channel cannot be posted
 * in; the bot registers it as advisory, so it is reported without failing `/readyz`). Results
 * are cached, and concurrent probes share one round of Slack calls.
 */
export function channelReadinessCheck(options: ChannelReadinessOptions): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 60_000;
  const now = options.now ?? Date.now;
  let last: { at: number; result: Promise<ChannelCheckResult> } | undefined;
  return {
    name: 'slack-channels',
    async check() {
      if (!last || now() - last.at >= cacheMs) {
        const result = checkChannels(options.client, options.channels);
        last = { at: now(), result };
        // A failed round is not cached: the next probe asks again.
        result.catch(() => (last = undefined));
      }
      const result = await last.result;
      const detail = describeChannelCheck(result);
      return { ok: result.ok, ...(detail && { detail }) };
    },
  };
}

/**
 * Start-up report: every configured channel, reachable or not, in the log. Never fatal: a
 * channel can be fixed (an /invite) while the bot runs.
 */
export async function logChannelReachability(client: WebClient, channels: ReadonlyMap<string, string[]>, logger: Logger): Promise<void> {
  if (channels.size === 0) return;
  try {
    const result = await checkChannels(client, channels);
    if (result.token) {
      logger.error({ problem: result.token }, 'Slack channels not checked');
      return;
    }
    for (const r of result.channels) {
      const line = { channel: r.channelId, uses: r.uses, ...(r.detail && { problem: r.detail }) };
      if (!r.ok) logger.error(line, 'Slack channel unreachable');
      else if (r.detail) logger.warn(line, 'Slack channel reachable with a limitation');
      else logger.info(line, 'Slack channel reachable');
    }
  } catch (err) {
    logger.warn({ err }, 'could not check the Slack channels');
  }
}
