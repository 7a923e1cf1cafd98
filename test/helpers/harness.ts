import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { types } from '@slack/bolt';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { start, type Running } from '../../src/runtime/start.ts';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure/index.ts';
import { startSlackEmulator, type SlackEmulator } from '../emulators/slack/index.ts';
import { blockActionsBody, eventCallbackBody, homeBlockActionsBody, postSigned, slashCommandBody, viewSubmissionBody } from './slack-requests.ts';
import { freePort } from './redis-server.ts';

export const ids = {
  team: 'T0TEAM',
  app: 'A0CHATOPS',
  botUser: 'U0BOT',
  alice: 'U0ALICE',
  bob: 'U0BOB',
  admin: 'U0ADMIN',
  carol: 'U0CAROL',
  devs: 'S0DEVS',
  sre: 'S0SRE',
  devChannel: 'C0DEV',
  prodChannel: 'C0PROD',
  otherChannel: 'C0OTHER',
  subscription: '00000000-0000-0000-0000-000000000001',
  prodSubscription: '11111111-1111-1111-1111-111111111111',
  tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  client: 'a1b2c3d4-0000-4000-8000-00000000c11e',
} as const;

export const defaultYaml = `
defaultEnvironment: dev
environments:
  dev:
    subscriptionId: ${ids.subscription}
    resourceGroup: rg-dev
    location: eastus
    registry: contosodev
    channels: [${ids.devChannel}]
  prod:
    subscriptionId: ${ids.prodSubscription}
    resourceGroup: rg-prod
    location: westeurope
    registry: contosoprod
    channels: [${ids.prodChannel}]
access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    dev:  { builder: [${ids.devs}], viewer: ["*"] }
    prod: { builder: [${ids.devs}], deployer: [${ids.sre}], viewer: [${ids.devs}] }
  channels: { prod: [${ids.prodChannel}] }
`;

/**
 * What the product answers a slash command with in the ack's body (`src/slack/render/replies.ts`):
 * Slack shows `text` (and `blocks`, when present) to the person who typed it, or to the channel.
 */
export interface SlashReply {
  response_type?: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: (types.KnownBlock | types.Block)[];
}

/** The HTTP answer to a slash command. */
export interface CommandResponse {
  status: number;
  /** Raw response body (empty for a bare ack). */
  text: string;
  /** The body as a reply, when it is one. */
  json?: SlashReply;
  elapsedMs: number;
}

/**
 * The reply a command got (through {@link Harness.command} or a raw `postSigned`); throws,
 * showing what came back, when its ack carried none.
 */
export function replyOf(res: { status: number; text: string; json?: unknown }): SlashReply {
  const reply = asSlashReply(res.json);
  if (!reply) throw new Error(`the command got no reply in its ack (HTTP ${res.status}): ${res.text.slice(0, 500) || '(empty body)'}`);
  return reply;
}

/** `body` as a {@link SlashReply} when it has a reply's shape (a string `text`), else undefined. */
function asSlashReply(body: unknown): SlashReply | undefined {
  if (typeof body !== 'object' || body === null || !('text' in body) || typeof body.text !== 'string') return undefined;
  const reply: SlashReply = { text: body.text };
  if ('response_type' in body && (body.response_type === 'ephemeral' || body.response_type === 'in_channel')) reply.response_type = body.response_type;
  if ('blocks' in body && Array.isArray(body.blocks)) reply.blocks = body.blocks;
  return reply;
}

export interface HarnessOptions {
  /** The config file; a function when it needs emulator addresses (Key Vault URLs). */
  yaml?: string | ((azure: AzureEmulator) => string);
  /**
   * `emulator`: the dev and prod registries report the emulator's registry data plane as their
   * login server (so tags resolve to digests there); default: `<name>.azurecr.io`.
   */
  registries?: 'azurecr' | 'emulator';
  /** SKU of the dev and prod registries (default Standard; geo-replication needs Premium). */
  registrySku?: 'Basic' | 'Standard' | 'Premium';
  /** Runs against the emulators before the product starts (registries, vaults, resource groups). */
  setup?: (azure: AzureEmulator, slack: SlackEmulator) => void;
  env?: Record<string, string>;
  /**
   * `child`: the worker runs as its own process (so it can be SIGKILLed); the bot stays here.
   * `supervised`: `npm start` as shipped: a supervisor process with the bot and the worker as its children.
   */
  worker?: 'inprocess' | 'child' | 'supervised';
  azure?: Parameters<typeof startAzureEmulator>[0];
  /** Defaults to TEST_REDIS_URL; the database is emptied first. */
  redisUrl?: string;
  /** Also copy product log lines here (the playground writes them to a file). */
  onLog?: (line: string) => void;
}

export interface Harness {
  slack: SlackEmulator;
  azure: AzureEmulator;
  redis: Redis;
  botUrl: string;
  signingSecret: string;
  botToken: string;
  /** Every log line the product wrote (JSON strings), for secret and content checks. */
  logs: string[];
  /** Sends a slash command; `responseUrl` overrides the fresh one it gets from the emulator (e.g. an expired one). */
  command(
    text: string,
    opts?: { command?: string; userId?: string; channelId?: string; triggerId?: string; tsSeconds?: number; responseUrl?: string },
  ): Promise<CommandResponse>;
  click(actionId: string, value: string, opts: { userId?: string; channelId?: string; messageTs: string; triggerId?: string }): Promise<{ status: number }>;
  /** `userId` opens the app's Home tab (or its Messages tab): a signed `app_home_opened` event. */
  openHome(userId: string, tab?: 'home' | 'messages'): Promise<{ status: number }>;
  /**
   * `userId` clicks a button of the Home tab they see now; fails when no button with that
   * action id and value is on it.
   */
  clickHome(actionId: string, value: string, userId: string): Promise<{ status: number }>;
  /** Submits a modal the product opened (`views.open`), as `userId`, with plain-text inputs. */
  submitView(
    view: { callback_id?: string; private_metadata?: string },
    userId: string,
    inputs: Record<string, string>,
  ): Promise<{ status: number; text: string }>;
  startWorker(): Promise<void>;
  killWorker(): Promise<void>;
  /** `supervised` only: the supervisor process and the pids of its children as they last logged. */
  supervisor?: { process: ChildProcess; pidOf(role: 'bot' | 'worker'): number | undefined; exited: Promise<number | null> };
  stop(): Promise<void>;
}

/**
 * The whole product against the emulators: real Bolt, WebClient, ARM client and identity,
 * a real Redis (database 9 of the test Redis, flushed first).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const redisUrl = options.redisUrl ?? process.env.TEST_REDIS_URL!;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => {}); // tests that stop Redis expect connection errors
  await redis.flushdb();

  const slack = await startSlackEmulator();
  const botToken = `xoxb-${Math.random().toString(36).slice(2)}-test`;
  slack.addToken(botToken, { teamId: ids.team, botUserId: ids.botUser, appId: ids.app, teamDomain: 'contoso' });
  // alice and bob build; carol only watches; the admin holds every role.
  slack.setUsergroup(ids.devs, [ids.alice, ids.bob]);
  slack.setUsergroup(ids.sre, [ids.bob]);
  const azure = await startAzureEmulator({ queuedMs: 300, buildDurationMs: 2000, logLineIntervalMs: 100, ...options.azure });
  const clientSecret = `secret-${Math.random().toString(36).slice(2)}`;
  azure.identity.addClient(ids.tenant, ids.client, clientSecret);
  for (const [subscriptionId, resourceGroup, name] of [
    [ids.subscription, 'rg-dev', 'contosodev'],
    [ids.prodSubscription, 'rg-prod', 'contosoprod'],
  ] as const) {
    const loginServer = options.registries === 'emulator' ? azure.registryData.endpoint(name).replace(/^https:\/\//, '') : undefined;
    azure.acr.addRegistry({
      subscriptionId,
      resourceGroup,
      name,
      ...(loginServer && { loginServer }),
      ...(options.registrySku && { sku: options.registrySku }),
    });
  }

  const dir = mkdtempSync(join(tmpdir(), 'chatops-e2e-'));
  const configPath = join(dir, 'chatops.yaml');
  options.setup?.(azure, slack);
  writeFileSync(configPath, typeof options.yaml === 'function' ? options.yaml(azure) : (options.yaml ?? defaultYaml));
  const signingSecret = `signing-${Math.random().toString(36).slice(2)}`;
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redisUrl,
    CHATOPS_CONFIG: configPath,
    AZURE_TENANT_ID: ids.tenant,
    AZURE_CLIENT_ID: ids.client,
    AZURE_CLIENT_SECRET: clientSecret,
    AZURE_AUTHORITY_HOST: azure.url,
    AZURE_RESOURCE_MANAGER_ENDPOINT: azure.url,
    AZURE_GRAPH_ENDPOINT: azure.url,
    CHATOPS_POLL_INTERVAL_MS: '200',
    CHATOPS_LOCK_DURATION_MS: '2000',
    CHATOPS_SHUTDOWN_GRACE_MS: '2000',
    CHATOPS_GROUP_CACHE_MS: '100',
    LOG_LEVEL: 'debug',
    PORT: '0',
    ...options.env,
  };

  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        logs.push(line);
        options.onLog?.(line);
      }
      cb();
    },
  });
  const mode = options.worker ?? 'inprocess';
  let bot: Running | undefined;
  let botUrl: string;
  let supervisor: Harness['supervisor'];
  if (mode === 'supervised') {
    const port = await freePort();
    const proc = spawn(process.execPath, ['src/main.ts'], {
      env: { ...process.env, ...env, CHATOPS_ROLE: 'all', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pids = new Map<string, number>();
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    // A test that times out never reaches stop(): do not leave a supervisor (and its workers) behind on the test Redis.
    process.once('exit', () => proc.kill('SIGKILL'));
    await followLines(proc, logs, options.onLog, (line) => {
      const started = /"role":"(bot|worker)","pid":(\d+).*"msg":"(Slack app listening|job worker started)"/.exec(line);
      if (started) pids.set(started[1]!, Number(started[2]));
      return pids.size === 2;
    });
    supervisor = { process: proc, pidOf: (role) => pids.get(role), exited };
    botUrl = `http://127.0.0.1:${port}/slack/events`;
  } else {
    bot = await start(loadConfig({ ...env, CHATOPS_ROLE: mode === 'child' ? 'bot' : 'all' }), createLogger('debug', sink));
    botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  }

  let child: ChildProcess | undefined;
  const workerEnv = { ...process.env, ...env, CHATOPS_ROLE: 'worker', PORT: String(await freePort()) };
  async function startWorker(): Promise<void> {
    const proc = spawn(process.execPath, ['src/main.ts'], { env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let buffered = '';
    const started = new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        logs.push(...lines.filter(Boolean));
        if (lines.some((l) => l.includes('job worker started'))) resolve();
      });
      proc.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
      proc.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    });
    await started;
  }
  if (mode === 'child') await startWorker();

  let counter = 0;
  return {
    slack,
    azure,
    redis,
    botUrl,
    signingSecret,
    botToken,
    logs,
    async command(text, opts = {}) {
      const body = slashCommandBody({
        command: opts.command ?? '/acr',
        text,
        userId: opts.userId ?? ids.alice,
        channelId: opts.channelId ?? ids.devChannel,
        teamId: ids.team,
        apiAppId: ids.app,
        teamDomain: 'contoso',
        responseUrl: opts.responseUrl ?? slack.responseUrl(`cmd-${++counter}`),
        // Issued by the emulator, so views.open takes it (for Slack's three seconds).
        triggerId: slack.issueTrigger(opts.triggerId),
      });
      const res = await postSigned(botUrl, body, { secret: signingSecret, ...(opts.tsSeconds !== undefined && { tsSeconds: opts.tsSeconds }) });
      const reply = asSlashReply(res.json);
      return { status: res.status, text: res.text, ...(reply && { json: reply }), elapsedMs: res.elapsedMs };
    },
    async click(actionId, value, opts) {
      const body = blockActionsBody({
        userId: opts.userId ?? ids.alice,
        teamId: ids.team,
        apiAppId: ids.app,
        channelId: opts.channelId ?? ids.devChannel,
        messageTs: opts.messageTs,
        actionId,
        value,
        responseUrl: slack.responseUrl(`act-${++counter}`),
        // Issued by the emulator, so views.open holds it to Slack's three seconds.
        triggerId: slack.issueTrigger(opts.triggerId),
      });
      return postSigned(botUrl, body, { secret: signingSecret });
    },
    async openHome(userId, tab = 'home') {
      const body = eventCallbackBody({ teamId: ids.team, apiAppId: ids.app, botUserId: ids.botUser, event: slack.appHomeOpenedEvent(userId, tab) });
      return postSigned(botUrl, body, { secret: signingSecret, headers: { 'Content-Type': 'application/json' } });
    },
    async clickHome(actionId, value, userId) {
      const home = slack.homeView(userId);
      const blocks = (home?.view.blocks ?? []) as {
        block_id?: string;
        elements?: { action_id?: string; value?: string }[];
        accessory?: { action_id?: string; value?: string };
      }[];
      const block = blocks.find((b) =>
        [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])].some((e) => e.action_id === actionId && e.value === value),
      );
      if (!home || !block) throw new Error(`${userId}'s Home tab has no ${actionId} button for ${value}`);
      const body = homeBlockActionsBody({
        userId,
        teamId: ids.team,
        apiAppId: ids.app,
        view: home,
        actionId,
        value,
        ...(block.block_id && { blockId: block.block_id }),
        triggerId: slack.issueTrigger(),
      });
      return postSigned(botUrl, body, { secret: signingSecret });
    },
    async submitView(view, userId, inputs) {
      const values = Object.fromEntries(Object.entries(inputs).map(([block, value]) => [block, { [block]: { type: 'plain_text_input', value } }]));
      const body = viewSubmissionBody({
        userId,
        teamId: ids.team,
        apiAppId: ids.app,
        callbackId: view.callback_id ?? '',
        privateMetadata: view.private_metadata ?? '',
        values,
      });
      return postSigned(botUrl, body, { secret: signingSecret });
    },
    startWorker,
    ...(supervisor && { supervisor }),
    async killWorker() {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (supervisor && supervisor.process.exitCode === null && supervisor.process.signalCode === null) {
        supervisor.process.kill('SIGTERM');
        await supervisor.exited;
      }
      await bot?.stop();
      await slack.close();
      await azure.close();
      redis.disconnect();
    },
  };
}

/** Collects a child's stdout lines into `logs` until `ready` says so; rejects if it exits first. */
function followLines(proc: ChildProcess, logs: string[], onLog: ((line: string) => void) | undefined, ready: (line: string) => boolean): Promise<void> {
  let buffered = '';
  return new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        logs.push(line);
        onLog?.(line);
        if (ready(line)) resolve();
      }
    });
    proc.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    proc.once('exit', (code) => reject(new Error(`exited early with ${code}:\n${logs.slice(-20).join('\n')}`)));
  });
}
