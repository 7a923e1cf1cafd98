/** The `expiry-scan` job's steps: private answers to `/sp`, the scheduled alert, and waiting for Slack to take it. */
import { beforeEach, describe, expect, it } from 'vitest';
import { awaitDelivery, reportFailure, scan, type ExpiryScanJobDeps } from '../../../jobs/expiry-scan.ts';
import { credentialsSchema } from '../../../src/config/credentials-settings.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { ExpiringCredential } from '../../../src/core/credentials/expiry.ts';
import type { ExpiryScanJobData } from '../../../src/core/credentials/jobs.ts';
import type { AlertLedger, AppRegistration } from '../../../src/core/credentials/ports.ts';
import type { Mrkdwn } from '../../../src/core/mrkdwn.ts';
import { FakeReporter } from '../../fakes/fake-acr.ts';
import { fakeRun, unusedPort, waits } from '../../fakes/job-ports.ts';

const now = new Date('2026-11-28T09:00:00Z');
const inDays = (n: number) => new Date(now.getTime() + n * 86_400_000 + 3600_000).toISOString();
const apps: AppRegistration[] = [
  { id: 'o1', appId: '11111111-0000-0000-0000-000000000001', displayName: 'billing', passwords: [{ keyId: 'k1', displayName: 'ci', endDateTime: inDays(5) }] },
  { id: 'o2', appId: '11111111-0000-0000-0000-000000000002', displayName: 'search', passwords: [{ keyId: 'k2', endDateTime: inDays(200) }] },
];

class MemoryLedger implements AlertLedger {
  claimed: string[] = [];
  confirmed: string[] = [];
  released: string[] = [];
  async claimNew(credentials: readonly ExpiringCredential[]) {
    this.claimed.push(...credentials.map((c) => c.keyId));
    return [...credentials];
  }
  async confirm(credentials: readonly ExpiringCredential[]) {
    this.confirmed.push(...credentials.map((c) => c.keyId));
  }
  async release(credentials: readonly ExpiringCredential[]) {
    this.released.push(...credentials.map((c) => c.keyId));
  }
}

let reporter: FakeReporter;
let ledger: MemoryLedger;
let replies: { url: string; text: Mrkdwn }[];
let deps: ExpiryScanJobDeps;

beforeEach(() => {
  reporter = new FakeReporter();
  ledger = new MemoryLedger();
  replies = [];
  deps = {
    applications: { ...unusedPort('applications'), list: async () => apps, find: async (id) => apps.find((a) => a.appId === id || a.displayName === id) },
    registryTokens: unusedPort('registryTokens'),
    environments: {},
    ledger,
    reporter,
    replies: { reply: async (url, text) => void replies.push({ url, text }) },
    jobs: unusedPort('jobs'),
    rotations: unusedPort('rotations'),
    credentials: credentialsSchema.parse({ alertChannel: 'C0ALERTS', keyVaultUrl: 'https://kv.vault.azure.net' }),
    teamId: 'T0',
    now: () => now,
  };
});

function job(over: Partial<ExpiryScanJobData> = {}): ExpiryScanJobData {
  return { jobId: 'jSCAN00000001', trigger: 'schedule', phase: 'new', ...over };
}

const command = (over: Partial<ExpiryScanJobData>) => job({ trigger: 'command', requesterId: 'U0REQ', responseUrl: 'https://hooks.slack.test/r/1', ...over });

describe('expiry-scan step `scan`', () => {
  it('`/sp show`: answers with the app’s secrets and when each expires', async () => {
    const done = await scan(deps, fakeRun(command({ mode: 'show', app: 'billing' })));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.url).toBe('https://hooks.slack.test/r/1');
    expect(replies[0]!.text.mrkdwn).toMatch(/\*billing\*.*1 client secret\n• ci · key id k1 · expires/);
    expect(done.phase).toBe('done');
  });

  it('`/sp list`: the apps in scope, nearest expiry first', async () => {
    await scan(deps, fakeRun(command({ mode: 'list' })));
    expect(replies[0]!.text.mrkdwn.indexOf('billing')).toBeLessThan(replies[0]!.text.mrkdwn.indexOf('search'));
  });

  it('`/sp expiring`: only what expires within the days asked, and no alert', async () => {
    await scan(deps, fakeRun(command({ withinDays: 7 })));
    expect(replies[0]!.text.mrkdwn).toMatch(/^1 client secret of 2 apps expires within 7 days/);
    expect(reporter.cards).toEqual([]);
    expect(ledger.claimed).toEqual([]);
  });

  it('a scheduled scan posts one alert with the news and waits for Slack to take it', async () => {
    const run = fakeRun(job());
    await expect(scan(deps, run)).rejects.toMatchObject(waits(1000));
    expect(ledger.claimed).toEqual(['k1']);
    expect(run.saves.at(-1)).toMatchObject({ phase: 'delivering', deliveryChecks: 0, alerted: [{ keyId: 'k1' }] });
    expect(reporter.cards).toHaveLength(1);
  });

  it('a scheduled scan with nothing new ends quietly', async () => {
    deps.applications = { ...deps.applications, list: async () => [apps[1]!] };
    const done = await scan(deps, fakeRun(job()));
    expect(done.phase).toBe('done');
    expect(reporter.cards).toEqual([]);
  });
});

describe('expiry-scan step `delivering`', () => {
  const alerted = { keyId: 'k1', appId: 'a', appName: 'billing', endDateTime: inDays(5), daysLeft: 5, threshold: 7 };
  const delivering = (over: Partial<ExpiryScanJobData> = {}) =>
    job({ phase: 'delivering', alerted: [alerted], deliveringSince: now.toISOString(), deliveryChecks: 0, ...over });

  it('counts the thresholds as announced once Slack took the alert', async () => {
    const done = await awaitDelivery(deps, fakeRun(delivering()));
    expect(ledger.confirmed).toEqual(['k1']);
    expect(done.phase).toBe('done');
  });

  it('leaves an alert Slack refused in the channel to the next scan', async () => {
    reporter.delivery.set('j000000000001', 'rerouted'); // the queue's job id (the context's), as the outbox knows it
    await awaitDelivery(deps, fakeRun(delivering()));
    expect(ledger.released).toEqual(['k1']);
    expect(ledger.confirmed).toEqual([]);
  });

  it('looks again later, each time a little later, while the alert is on its way', async () => {
    reporter.delivery.set('j000000000001', 'pending');
    const run = fakeRun(delivering({ deliveryChecks: 2 }));
    await expect(awaitDelivery(deps, run)).rejects.toMatchObject(waits(8000));
    expect(run.saves.at(-1)!.deliveryChecks).toBe(3);
  });
});

describe('expiry-scan failure report', () => {
  const refused = new AzureOperationError('Graph refused.', { hint: 'Grant Application.Read.All.', transient: false, statusCode: 403 });

  it('tells the person who asked', async () => {
    await reportFailure(deps, fakeRun(command({})), refused);
    expect(replies[0]!.text.mrkdwn).toBe(':warning: Graph refused.\nGrant Application.Read.All.');
    expect(reporter.cards).toEqual([]);
  });

  it('tells the alert channel when nobody asked', async () => {
    const run = fakeRun(job());
    await reportFailure(deps, run, refused);
    expect(reporter.last).toMatchObject({ title: 'Client secret expiry scan failed', status: 'failed' });
    expect(run.saves.at(-1)!.phase).toBe('done');
  });
});
