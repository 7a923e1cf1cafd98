import { describe, expect, it } from 'vitest';
import { jobIdFromTrigger, jobIdPattern } from '../../../src/core/job-id.ts';

describe('jobIdFromTrigger', () => {
  it('is stable for one trigger, different across triggers, and typeable', () => {
    const a = jobIdFromTrigger('T1', '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c');
    expect(a).toBe(jobIdFromTrigger('T1', '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'));
    expect(a).not.toBe(jobIdFromTrigger('T2', '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'));
    expect(a).toMatch(jobIdPattern);
    expect(a).not.toContain(':');
  });
});
