import { describe, expect, it } from 'vitest';
import { advisory, cachedCheck, readinessAnswer, runReadinessChecks, type ReadinessCheck } from '../../../src/runtime/readiness.ts';

describe('readiness checks', () => {
  it('reports a check that throws or never answers as not ready, with why', async () => {
    const results = await runReadinessChecks(
      [
        { name: 'ok', check: async () => ({ ok: true }) },
        { name: 'throws', check: async () => Promise.reject(new Error('boom')) },
        { name: 'hangs', check: () => new Promise(() => {}) },
      ],
      50,
    );
    expect(results).toEqual([
      { name: 'ok', ok: true },
      { name: 'throws', ok: false, detail: 'boom' },
      { name: 'hangs', ok: false, detail: 'no answer within 50 ms' },
    ]);
    const answer = readinessAnswer(results);
    expect(answer.status).toBe(503);
    expect(answer.body.notReady).toEqual(['throws', 'hangs']);
  });

  it('is not ready when nothing was checked (fail closed)', () => {
    expect(readinessAnswer([]).status).toBe(503);
    expect(readinessAnswer([{ name: 'redis', ok: true }]).status).toBe(200);
  });

  it('lists an advisory check that fails under warnings without answering 503, and still needs a real check to be ready', async () => {
    const channels = advisory({ name: 'slack-channels', check: async () => ({ ok: false, detail: 'C0PROD (environment prod): the channel is archived' }) });
    const results = await runReadinessChecks(
      [{ name: 'redis', check: async () => ({ ok: true }) }, channels, advisory({ name: 'late', check: () => new Promise(() => {}) })],
      50,
    );
    expect(results).toEqual([
      { name: 'redis', ok: true },
      { name: 'slack-channels', ok: false, detail: 'C0PROD (environment prod): the channel is archived', advisory: true },
      { name: 'late', ok: false, detail: 'no answer within 50 ms', advisory: true },
    ]);
    const answer = readinessAnswer(results);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ready', notReady: [], warnings: ['slack-channels', 'late'] });
    // Advisory checks alone verify nothing the process needs: fail closed.
    expect(readinessAnswer(results.slice(1)).status).toBe(503);
    // A gating check still decides.
    expect(readinessAnswer([{ name: 'redis', ok: false }, ...results.slice(1)]).body).toMatchObject({
      notReady: ['redis'],
      warnings: ['slack-channels', 'late'],
    });
  });

  it('remembers an answer (a failure for less time) and shares one call between concurrent probes', async () => {
    let clock = 0;
    let calls = 0;
    let healthy = true;
    const inner: ReadinessCheck = {
      name: 'slack',
      async check() {
        calls += 1;
        await new Promise((r) => setTimeout(r, 5));
        return healthy ? { ok: true } : { ok: false, detail: 'invalid_auth' };
      },
    };
    const check = cachedCheck(inner, { okForMs: 60_000, failedForMs: 10_000, now: () => clock });
    await Promise.all([check.check(), check.check(), check.check()]);
    expect(calls).toBe(1);
    healthy = false;
    clock = 59_000;
    expect(await check.check()).toEqual({ ok: true });
    clock = 60_000;
    expect(await check.check()).toEqual({ ok: false, detail: 'invalid_auth' });
    healthy = true;
    clock = 69_000;
    expect((await check.check()).ok).toBe(false);
    clock = 70_000;
    expect((await check.check()).ok).toBe(true);
    expect(calls).toBe(3);
  });
});
