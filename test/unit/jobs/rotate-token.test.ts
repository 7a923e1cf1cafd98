/** The registry-token rotation job with in-memory ports: the slot in use is never touched before the new one works. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRotateTokenJob } from '../../../jobs/rotate-token.ts';
import { credentialsSchema } from '../../../src/config/credentials-settings.ts';
import { environmentSchema } from '../../../src/config/file.ts';
import type { TokenRotationJobData } from '../../../src/core/credentials/jobs.ts';
import type { JobContext } from '../../../src/core/job-context.ts';
import { FakeAudit, FakeRegistryTokens, FakeReporter, FakeVault, MemoryRotationClaims } from '../../fakes/index.ts';

function setup() {
  const tokens = new FakeRegistryTokens();
  const vault = new FakeVault([{ value: 'p1-old', tags: { slot: 'password1' } }]);
  let clock = Date.parse('2026-11-28T09:00:00Z');
  const job = createRotateTokenJob({
    registryTokens: tokens,
    vault,
    reporter: new FakeReporter(),
    audit: new FakeAudit(),
    jobs: { submit: async () => {}, get: async () => undefined, wake: async () => {} },
    rotations: new MemoryRotationClaims(),
    credentials: credentialsSchema.parse({ alertChannel: 'C0A', keyVaultUrl: 'https://kv.vault.azure.net', gracePeriod: '1h', verifyTimeout: '5m' }),
    environments: {
      prod: environmentSchema.parse({
        subscriptionId: '11111111-1111-1111-1111-111111111111',
        resourceGroup: 'rg',
        location: 'westeurope',
        registry: 'contosoprod',
      }),
    },
    now: () => new Date(clock),
  });
  let data: TokenRotationJobData = {
    jobId: 'j000000000002',
    requesterId: 'U0ADMIN',
    teamId: 'T0',
    channelId: 'C0',
    queuedAt: new Date(clock).toISOString(),
    trigger: 'command',
    environment: 'prod',
    token: 'ci-pull',
    progress: { phase: 'generating', steps: [] },
  };
  async function run(): Promise<string> {
    const ctx: JobContext<TokenRotationJobData> = {
      id: data.jobId,
      data,
      attemptsMade: 0,
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
      return (err as Error).name;
    }
  }
  async function runToEnd() {
    for (let i = 0; i < 40 && data.progress.phase !== 'done'; i++) await run();
  }
  return {
    tokens,
    vault,
    run,
    runToEnd,
    get data() {
      return data;
    },
  };
}

describe('rotate-token job', () => {
  it('regenerates the unused slot, stores and verifies it, then retires the slot that was in use', async () => {
    const s = setup();
    await s.runToEnd();
    expect(s.data.progress.outcome).toBe('rotated');
    expect(s.data.progress.slot).toBe('password2');
    expect(Object.keys(s.tokens.values)).toEqual(['password2']);
    expect(s.vault.versions.at(-1)).toMatchObject({ value: 'password2-new-1', tags: { slot: 'password2', token: 'ci-pull', registry: 'contosoprod' } });
    expect(JSON.stringify(s.data)).not.toContain('password2-new-1');
  });

  it('repeats the regeneration after an interruption, never touching the slot in use', async () => {
    const s = setup();
    s.tokens.failNextGenerate = true;
    expect(await s.run()).toBe('AzureOperationError');
    expect(s.tokens.values.password1).toBe('p1-old');
    await s.runToEnd();
    expect(s.data.progress.outcome).toBe('rotated');
    expect(s.vault.versions.at(-1)!.value).toBe(s.tokens.values.password2);
  });

  it('keeps the slot in use and restores Key Vault when the new password never signs in', async () => {
    const s = setup();
    s.tokens.works = (v) => v === 'p1-old';
    await s.runToEnd();
    expect(s.data.progress.outcome).toBe('failed');
    expect(s.tokens.values.password1).toBe('p1-old');
    expect(s.vault.versions.at(-1)!.value).toBe('p1-old');
  });
});
