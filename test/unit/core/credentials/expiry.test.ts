import { describe, expect, it } from 'vitest';
import { credentialsSchema } from '../../../../src/config/credentials-settings.ts';
import { parseCommand } from '../../../../src/core/commands/index.ts';
import { UsageError } from '../../../../src/core/commands/errors.ts';
import { daysLeft, describeDaysLeft, expiringCredentials } from '../../../../src/core/credentials/expiry.ts';

const now = new Date('2026-11-28T09:00:00Z');
const inDays = (d: number, hours = 0) => new Date(now.getTime() + d * 86_400_000 + hours * 3_600_000).toISOString();
const app = (name: string, ends: string[]) => ({ id: `o-${name}`, appId: `a-${name}`, displayName: name, passwords: ends.map((e, i) => ({ keyId: `${name}-k${i}`, endDateTime: e })) });

describe('expiring credentials', () => {
  it('flags secrets within the largest threshold with the smallest threshold crossed, nearest first', () => {
    const found = expiringCredentials([app('far', [inDays(90)]), app('a', [inDays(29, 5), inDays(6, 23)]), app('gone', [inDays(-2)])], [30, 14, 7, 3, 1], now);
    expect(found.map((c) => [c.keyId, c.daysLeft, c.threshold])).toEqual([
      ['gone-k0', -2, -1],
      ['a-k1', 6, 7],
      ['a-k0', 29, 30],
    ]);
  });

  it('rounds days down and words them for people', () => {
    expect(daysLeft(inDays(6, 23), now)).toBe(6);
    expect(daysLeft(inDays(0, 1), now)).toBe(0);
    expect(describeDaysLeft(0)).toBe('expires within a day');
    expect(describeDaysLeft(1)).toBe('1 day left');
    expect(describeDaysLeft(-1)).toBe('expired yesterday');
    expect(describeDaysLeft(-5)).toBe('expired 5 days ago');
  });

  it('lists further out on demand (--days) but keeps threshold semantics', () => {
    const found = expiringCredentials([app('x', [inDays(45)])], [30, 14], now, 60);
    expect(found).toHaveLength(1);
    expect(found[0]!.threshold).toBe(60);
  });
});

describe('credentials config', () => {
  const base = { alertChannel: 'C0ALERTS', keyVaultUrl: 'https://ops-kv.vault.azure.net' };
  it('applies the documented defaults and sorts thresholds', () => {
    const c = credentialsSchema.parse({ ...base, thresholdsDays: [1, 30, 7, 7] });
    expect(c).toMatchObject({ schedule: '0 9 * * *', gracePeriod: 86_400_000, thresholdsDays: [30, 7, 1] });
  });
  it('refuses a schedule BullMQ could not read, and duplicate apps', () => {
    expect(credentialsSchema.safeParse({ ...base, schedule: 'every day' }).success).toBe(false);
    expect(credentialsSchema.safeParse({ ...base, schedule: '0 25 * * *' }).success).toBe(false);
    expect(credentialsSchema.safeParse({ ...base, schedule: '*/5 * * * * *' }).success).toBe(true);
    const dup = { appId: '22222222-2222-2222-2222-222222222222', secretName: 's' };
    expect(credentialsSchema.safeParse({ ...base, applications: [dup, dup] }).success).toBe(false);
  });
});

describe('/sp parsing', () => {
  it('parses each subcommand and refuses bad input with usage', () => {
    expect(parseCommand('/sp', 'expiring --days 7')).toEqual({ kind: 'sp.expiring', days: 7 });
    expect(parseCommand('/sp', 'expiring')).toEqual({ kind: 'sp.expiring' });
    expect(parseCommand('/sp', 'list')).toEqual({ kind: 'sp.list' });
    expect(parseCommand('/sp', 'show --app "Build Pipeline"')).toEqual({ kind: 'sp.show', app: 'Build Pipeline' });
    expect(parseCommand('/sp', 'rotate --app 22222222-2222-2222-2222-22222222AAAA')).toEqual({ kind: 'sp.rotate', app: '22222222-2222-2222-2222-22222222aaaa' });
    expect(parseCommand('/sp', 'rotate')).toMatchObject({ kind: 'help', topic: '/sp rotate' });
    expect(() => parseCommand('/sp', 'rotate --key-id 22222222-2222-2222-2222-222222222222')).toThrow(/--app/);
    expect(() => parseCommand('/sp', 'rotate --app x --key-id nope')).toThrow(/key id/);
    expect(() => parseCommand('/sp', 'expiring --days 9999')).toThrow(/0–730/);
    expect(() => parseCommand('/sp', 'show --app <!channel>')).toThrow(UsageError);
  });
});
