/**
 * `npm run playground` driven the way a person uses it: its real main, a piped stdin typed one
 * line at a time, each next line sent only once the printed output shows the previous answer.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
/** Start-up, a lookup, a debounced Home publish: each takes seconds; this only turns a hang into a readable failure. */
const markerDeadlineMs = 40_000;
let proc: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  proc = undefined;
});

/** What the playground printed, and a way to wait for a marker to appear after a given point. */
function follow(child: ChildProcessWithoutNullStreams) {
  let out = '';
  const waiters = new Set<() => void>();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', () => {
    for (const w of waiters) w();
  });
  return {
    get output() {
      return out;
    },
    exited,
    /**
     * Resolves with the output from `from` on once it matches `marker`; fails, showing what was
     * printed, if the playground exits first or the marker never comes (a deadline, not a speed check).
     */
    waitFor(marker: string | RegExp, from = 0): Promise<string> {
      return new Promise((done, fail) => {
        const deadline = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`The playground never printed ${String(marker)}. After the line typed it printed:\n${out.slice(from)}`));
        }, markerDeadlineMs);
        const check = () => {
          const part = out.slice(from);
          if (typeof marker === 'string' ? part.includes(marker) : marker.test(part)) {
            waiters.delete(check);
            clearTimeout(deadline);
            done(part);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(deadline);
            fail(new Error(`The playground exited before printing ${String(marker)}. It printed:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

describe('npm run playground', () => {
  it('answers /sp expiring with the 2-day secret, prints the App Home and the metrics that matter, and quits cleanly', async () => {
    const child = spawn(process.execPath, ['scripts/playground.ts'], {
      cwd: root,
      // The playground takes its own database (15) of this Redis and empties it.
      env: { ...process.env, REDIS_URL: process.env.TEST_REDIS_URL! },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc = child;
    const pg = follow(child);
    const type = (line: string) => {
      const from = pg.output.length;
      child.stdin.write(`${line}\n`);
      return from;
    };
    await pg.waitFor('chatops> ');

    // The lookup is acknowledged at once; its answer arrives later on the response_url.
    let from = type('as admin /sp expiring');
    const expiring = await pg.waitFor(/expire within 30 days[\s\S]*web-deployer[^\n]*\n/, from);
    expect(expiring).toMatch(/build-pipeline \([0-9a-f-]+\): secret ci-2024 · 2 days left/);
    expect(expiring).toMatch(/web-deployer \([0-9a-f-]+\): secret release · 10 days left/);
    // 40 days is past the largest alert threshold: only `/sp list` shows it.
    expect(expiring).toContain('2 client secrets of 3 apps expire within 30 days');
    expect(expiring).not.toContain('nightly-reports');

    // Switching to the admin, then opening their Home: what views.publish received for them.
    from = type('as admin');
    await pg.waitFor('You are @admin now.', from);
    from = type('home');
    const home = (await pg.waitFor(/⌂ App Home of @admin[\s\S]*Credentials expiring within 30 days[\s\S]*\n(?=chatops)/, from)).split(
      '⌂ App Home of @admin',
    )[1]!;
    for (const section of ['▌ Waiting for your decision', '▌ Your jobs', '▌ Last deploys', '▌ Credentials expiring within 30 days'])
      expect(home).toContain(section);
    expect(home).toContain('Nothing is waiting for you.');
    expect(home).toMatch(/build-pipeline \([0-9a-f-]+\): secret ci-2024 · 2 days left/);

    from = type('metrics');
    const metrics = await pg.waitFor(/chatops_slack_requests_total .*\n/, from);
    for (const name of [
      'chatops_ack_duration_seconds',
      'chatops_queue_oldest_waiting_seconds',
      'chatops_outbox_delivery_lag_seconds',
      'chatops_outbox_backlog',
      'chatops_jobs_finished_total',
      'chatops_credentials_expiring',
    ]) {
      expect(metrics).toContain(name);
    }
    // Three requests so far (two commands and the Home's event), and the lookup finished.
    expect(metrics).toMatch(/chatops_ack_duration_seconds +p99 ≤ [\d.]+ s of [1-9]\d*/);
    expect(metrics).toMatch(/chatops_jobs_finished_total +[^\n]*completed [1-9]/);

    from = type('help');
    const help = await pg.waitFor(/quit +wait[^\n]*\n/, from);
    for (const command of ['home ', 'metrics ', 'scan ', 'as bob|carol|admin|alice']) expect(help).toContain(command);

    type('quit');
    expect(await pg.exited).toBe(0);
    expect(pg.output).not.toMatch(/Error|at .*\.ts:\d+/);
  }, 120_000);

  it('prints lookups answered on their response_url after quit was typed (/sp list, /acr runs), then stops', async () => {
    const child = spawn(process.execPath, ['scripts/playground.ts'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: process.env.TEST_REDIS_URL! },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc = child;
    const pg = follow(child);
    await pg.waitFor('chatops> ');
    // Typed in one go: both are acknowledged at once, their answers come later.
    child.stdin.write('as admin /sp list\n/acr runs\nquit\n');
    expect(await pg.exited).toBe(0);
    expect(pg.output).toMatch(/3 app registrations in scope:[\s\S]*nightly-reports \([0-9a-f-]+\): 1 secret, nearest expiry [\d-]+ \(40 days left\)/);
    expect(pg.output).toContain('Runs of contosodev · dev');
  }, 120_000);
});
