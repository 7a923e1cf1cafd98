import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs `npm start`'s entry point until it exits, with `env` on top of this process's. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('start-up with a mistaken configuration', () => {
  it('stops with status 2 and lists every typo, in the file and in the environment, with what was meant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatops-startup-'));
    const path = join(dir, 'chatops.yaml');
    // The shipped example with the two typos that matter most: prod's approval and policy.
    const yaml = readFileSync('chatops.example.yaml', 'utf8').replace('    approval: {', '    approvals: {').replace('    policy: {', '    polcy: {');
    writeFileSync(path, yaml);
    const { code, stderr } = await start({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      CHATOPS_CONFIG: path,
      CHATOPS_WORKER_CONCURENCY: '5',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}: environments.prod.approvals: unknown key; did you mean "approval"?`);
    expect(stderr).toContain(`${path}: environments.prod.polcy: unknown key; did you mean "policy"?`);
    expect(stderr).toContain('CHATOPS_WORKER_CONCURENCY: unknown variable; did you mean CHATOPS_WORKER_CONCURRENCY?');
    expect(stderr).not.toMatch(/\n\s+at .*\.ts:\d+/); // a list of problems, not a stack trace
  });
});
