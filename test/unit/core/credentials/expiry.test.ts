import { describe, expect, it } from 'vitest';
import { daysLeft, describeDaysLeft, expiringCredentials } from '../../../../src/core/credentials/expiry.ts';

const now = new Date('2026-11-28T09:00:00Z');
const inDays = (d: number, hours = 0) => new Date(now.getTime() + d * 86_400_000 + hours * 3_600_000).toISOString();
const app = (name: string, ends: string[]) => ({
  id: `o-${name}`,
  appId: `a-${name}`,
  displayName: name,
  passwords: ends.map((e, i) => ({ keyId: `${name}-k${i}`, endDateTime: e })),
});

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
