import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AzureEmulator } from '../test/emulators/azure/index.ts';
import type { SlackEmulator } from '../test/emulators/slack/index.ts';
import { postSigned, slashCommandBody } from '../test/helpers/slack-requests.ts';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface Spawned {
  child: ChildProcess;
  lines: string[];
  stop(): Promise<void>;
}

/** The Node flags `npm start` and the Docker image run the product with (keep in sync with package.json). */
export const productNodeFlags = ['--max-semi-space-size=8', '--max-old-space-size=512'];

/**
 * Starts a Node process and resolves once a stdout line matches `ready`. The product
 * (`src/main.ts`) is run as it ships in the Docker image: compiled (`npm run build` first),
 * with the image's Node flags.
 */
export async function spawnTs(file: string, env: Record<string, string>, ready: RegExp): Promise<Spawned & { match: RegExpExecArray }> {
  // Every server in a benchmark runs with the product's Node flags, so comparisons are of code, not settings.
  const args = file === 'src/main.ts' ? [...productNodeFlags, 'dist/src/main.js'] : file.includes('emulator') ? [file] : [...productNodeFlags, file];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        lines.push(l);
        const m = ready.exec(l);
        if (m) resolve(m);
      }
    });
    child.stderr!.on('data', (d: Buffer) => lines.push(d.toString()));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}:\n${lines.slice(-20).join('\n')}`)));
  });
  return {
    child,
    lines,
    match,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Fires `total` signed slash commands with at most `concurrency` in flight; returns latencies in ms. */
export async function fireCommands(
  url: string,
  secret: string,
  opts: {
    total: number;
    concurrency: number;
    text: (i: number) => string;
    responseUrl: string | ((i: number) => string);
    command?: string;
    userId?: (i: number) => string;
    channelId?: string | ((i: number) => string);
  },
): Promise<{ latencies: number[]; statuses: Map<number, number> }> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  async function lane(): Promise<void> {
    while (next < opts.total) {
      const i = next++;
      const body = slashCommandBody({
        command: opts.command ?? '/acr',
        text: opts.text(i),
        // Many people, as in a real workspace (each has a per-user rate limit).
        userId: opts.userId?.(i) ?? `U${i.toString(36).toUpperCase().padStart(6, '0')}`,
        channelId: typeof opts.channelId === 'function' ? opts.channelId(i) : (opts.channelId ?? 'C0DEV'),
        teamId: 'T0TEAM',
        apiAppId: 'A0CHATOPS',
        responseUrl: typeof opts.responseUrl === 'function' ? opts.responseUrl(i) : opts.responseUrl,
        triggerId: `${Date.now()}.${i}.${randomBytes(8).toString('hex')}`,
      });
      const res = await postSigned(url, body, { secret });
      latencies.push(res.elapsedMs);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return { latencies: latencies.sort((a, b) => a - b), statuses };
}

/** A bot and `workers` worker processes building in the dev registry, against the emulators. */
export interface BuildProduct {
  /** The bot's `POST /slack/events`. */
  url: string;
  secret: string;
  workers: Spawned[];
  stop(): Promise<void>;
}

/**
 * Starts the product as it ships (compiled, the image's Node flags) for build benchmarks: one
 * dev environment on the emulator's `contosodev` registry, anyone may build, commands from
 * `channels`.
 */
export async function startBuildProduct(opts: {
  redisUrl: string;
  slack: SlackEmulator;
  azure: AzureEmulator;
  channels: readonly string[];
  workers?: number;
  env?: Record<string, string>;
  devExtra?: string;
}): Promise<BuildProduct> {
  const token = 'xoxb-bench-token';
  const secret = 'bench-signing-secret';
  opts.slack.addToken(token, { teamId: 'T0TEAM', botUserId: 'U0BOT', appId: 'A0CHATOPS' });
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const client = 'a1b2c3d4-0000-4000-8000-00000000c11e';
  opts.azure.identity.addClient(tenant, client, 'bench-secret');
  opts.azure.acr.addRegistry({ subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-dev', name: 'contosodev' });
  const configPath = join(mkdtempSync(join(tmpdir(), 'chatops-bench-')), 'chatops.yaml');
  writeFileSync(
    configPath,
    `environments:\n  dev:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n    resourceGroup: rg-dev\n    location: eastus\n    registry: contosodev\n    channels: [${opts.channels.join(', ')}]\n${opts.devExtra ?? ''}access:\n  roles:\n    dev: { builder: ["*"] }\n`,
  );
  const env = {
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: opts.slack.apiUrl,
    REDIS_URL: opts.redisUrl,
    CHATOPS_CONFIG: configPath,
    AZURE_TENANT_ID: tenant,
    AZURE_CLIENT_ID: client,
    AZURE_CLIENT_SECRET: 'bench-secret',
    AZURE_AUTHORITY_HOST: opts.azure.url,
    AZURE_RESOURCE_MANAGER_ENDPOINT: opts.azure.url,
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const bot = await spawnTs('src/main.ts', { ...env, CHATOPS_ROLE: 'bot', PORT: '0' }, /"port":(\d+)/);
  const workers: Spawned[] = [];
  for (let i = 0; i < (opts.workers ?? 1); i++) workers.push(await spawnTs('src/main.ts', { ...env, CHATOPS_ROLE: 'worker', PORT: '0' }, /job worker started/));
  return {
    url: `http://127.0.0.1:${bot.match[1]}/slack/events`,
    secret,
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await bot.stop();
    },
  };
}
