import { describe, expect, it } from 'vitest';
import { credentialsSchema } from '../../../src/config/credentials-settings.ts';

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
