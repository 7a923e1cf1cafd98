import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
  opts: { total: number; concurrency: number; text: (i: number) => string; responseUrl: string; command?: string; userId?: (i: number) => string; channelId?: string },
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
        channelId: opts.channelId ?? 'C0DEV',
        teamId: 'T0TEAM',
        apiAppId: 'A0CHATOPS',
        responseUrl: opts.responseUrl,
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
