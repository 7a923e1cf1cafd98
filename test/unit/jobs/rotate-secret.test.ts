/** The rotation job's crash safety with in-memory ports: every interruption resumes to one clean end state. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { credentialsSchema } from '../../../src/config/credentials-settings.ts';
import type { RotationJobData } from '../../../src/core/credentials/jobs.ts';
import type { SecretVerifier } from '../../../src/core/credentials/ports.ts';
import type { JobContext } from '../../../src/core/job-context.ts';
import { createRotateSecretJob } from '../../../jobs/rotate-secret.ts';
import { FakeApplications, FakeAudit, FakeReporter, FakeVault, MemoryRotationClaims } from '../../fakes/index.ts';

const appId = '22222222-2222-4222-8222-222222222222';

function harness(verify: (secret: string) => 'ok' | 'not-yet' = () => 'ok', options: { botAppId?: string; configured?: boolean } = {}) {
  const graph = new FakeApplications(
    { id: 'obj-1', appId, displayName: 'pipeline', passwords: [{ keyId: 'old', displayName: 'original', endDateTime: '2026-12-01T00:00:00Z' }] },
    new Map([['old', 'old-secret']]),
  );
  const vault = new FakeVault([{ value: 'old-secret', tags: { keyId: 'old' } }]);
  const audit = new FakeAudit();
  const claims = new MemoryRotationClaims();
  const verifier: SecretVerifier = {
    verify: async (_a, s) => (graph.secrets.has([...graph.secrets].find(([, v]) => v === s)?.[0] ?? '') ? verify(s) : 'not-yet'),
  };
  let clock = Date.parse('2026-11-28T09:00:00Z');
  const job = createRotateSecretJob({
    applications: graph,
    vault,
    verifier,
    reporter: new FakeReporter(),
    audit,
    jobs: { submit: async () => {}, get: async () => undefined, wake: async () => {} },
    rotations: claims,
    history: { record: async () => {}, list: async () => [] },
    credentials: credentialsSchema.parse({
      alertChannel: 'C0A',
      keyVaultUrl: 'https://kv.vault.azure.net',
      gracePeriod: '1h',
      verifyTimeout: '10m',
      applications: options.configured === false ? [] : [{ appId, secretName: 'pipeline-sp' }],
    }),
    ...(options.botAppId && { botAppId: options.botAppId }),
    environments: {},
    portal: 'https://portal.azure.com',
    pollIntervalMs: 1000,
    now: () => new Date(clock),
  });
  let data: RotationJobData = {
    jobId: 'j000000000001',
    requesterId: 'U0ADMIN',
    teamId: 'T0',
    channelId: 'C0',
    queuedAt: new Date(clock).toISOString(),
    trigger: 'command',
    app: appId,
    progress: { phase: 'adding', steps: [] },
  };
  /** One run of the job as BullMQ would do it; returns how it ended. */
  async function run(attemptsMade = 0): Promise<'done' | 'delayed' | 'threw'> {
    const ctx: JobContext<RotationJobData> = {
      id: data.jobId,
      data,
      attemptsMade,
      maxAttempts: 5,
      log: pino({ level: 'silent' }),
      save: async (d) => {
        data = structuredClone(d);
      },
      wakeAfter: async (ms) => {
        clock += ms;
        const e = new Error('delayed');
        e.name = 'DelayedError';
        throw e;
      },
    };
    try {
      await job(ctx);
      return 'done';
    } catch (err) {
      return (err as Error).name === 'DelayedError' ? 'delayed' : 'threw';
    }
  }
  async function runToEnd(): Promise<void> {
    for (let i = 0; i < 50 && data.progress.phase !== 'done'; i++) await run();
  }
  return {
    graph,
    vault,
    audit: audit.events,
    claims,
    run,
    runToEnd,
    get data() {
      return data;
    },
  };
}

describe('rotate-secret job', () => {
  it('adds, stores, verifies, waits the grace period, then removes the old secret', async () => {
    const h = harness();
    await h.runToEnd();
    expect(h.data.progress.outcome).toBe('rotated');
    expect(h.graph.app.passwords.map((p) => p.keyId)).toEqual(['new-1']);
    expect(h.vault.versions.at(-1)).toMatchObject({ value: 'secret-1', tags: { keyId: 'new-1', appId } });
    expect(JSON.stringify(h.data)).not.toContain('secret-1');
    expect(h.audit.map((e) => e.action)).toEqual(['rotation.secret.added', 'rotation.secret.removed']);
  });

  it('removes a secret added but never stored (interrupted before the vault write) and adds a fresh one', async () => {
    const h = harness();
    h.vault.failNextSet = true;
    expect(await h.run()).toBe('threw'); // BullMQ would retry this attempt
    expect(h.graph.app.passwords.map((p) => p.keyId)).toEqual(['old', 'new-1']); // the orphan exists now
    await h.runToEnd();
    expect(h.graph.app.passwords.map((p) => p.keyId)).toEqual(['new-2']);
    expect(h.vault.versions.at(-1)!.value).toBe('secret-2');
    expect(h.data.progress.steps.some((s) => s.text.includes('Removed secret new-1'))).toBe(true);
  });

  it('removes a secret named after the job that it never stored, even one Graph listed only later', async () => {
    const h = harness();
    h.graph.loseNextAnswer = true;
    expect(await h.run()).toBe('threw'); // the 503: BullMQ retries the attempt
    await h.runToEnd();
    expect(h.data.progress.outcome).toBe('rotated');
    expect(h.graph.app.passwords.map((p) => p.keyId)).toEqual(['new-2']);
    expect(h.vault.versions.at(-1)).toMatchObject({ value: 'secret-2', tags: { keyId: 'new-2' } });
    expect(h.data.progress.steps.some((s) => s.text.includes('new-1'))).toBe(true);
  });

  it('replaces a secret an earlier rotation added, even when the vault does not say which secret it holds', async () => {
    const h = harness();
    h.graph.app.passwords = [{ keyId: 'old', displayName: 'chatops-rotation-j0ld0ld0ld0ld', endDateTime: '2026-12-01T00:00:00Z' }];
    h.vault.versions = [{ value: 'old-secret', tags: {} }];
    await h.runToEnd();
    expect(h.data.oldKeyId).toBe('old');
    expect(h.graph.app.passwords.map((p) => p.keyId)).toEqual(['new-1']);
  });

  it('keeps the old secret, removes the new one and restores the vault when the new secret never works', async () => {
    const h = harness(() => 'not-yet');
    await h.runToEnd();
    expect(h.data.progress.outcome).toBe('failed');
    expect(h.graph.app.passwords.map((p) => p.keyId)).toEqual(['old']);
    expect(h.vault.versions.at(-1)!.value).toBe('old-secret');
    expect(h.data.progress.steps.some((s) => s.text.includes('propagate'))).toBe(true);
  });

  it('refuses the bot’s own credential and apps without a vault secret, changing nothing', async () => {
    const own = harness(undefined, { botAppId: appId });
    await own.runToEnd();
    expect(own.data.progress.outcome).toBe('failed');
    expect(own.graph.n).toBe(0);
    const unconfigured = harness(undefined, { configured: false });
    await unconfigured.runToEnd();
    expect(unconfigured.graph.n).toBe(0);
    expect(unconfigured.vault.versions).toHaveLength(1);
  });
});
