import { describe, expect, it } from 'vitest';
import { verdictOfLog, verdictOfRun } from '../../../../src/core/build/run-status.ts';

describe('how an ACR run ended', () => {
  it('reads the log blob’s Complete metadata as the az CLI does', () => {
    expect(verdictOfLog('successful')).toBe('succeeded');
    expect(verdictOfLog('Successful')).toBe('succeeded'); // metadata is compared without case
    expect(verdictOfLog('failed')).toBe('failed');
    expect(verdictOfLog('internalerror')).toBe('failed');
    expect(verdictOfLog('timedout')).toBe('timed_out');
    expect(verdictOfLog('canceled')).toBe('canceled');
  });

  it('gives no verdict for a Complete value ACR does not document, ARM’s words included', () => {
    for (const value of ['succeeded', 'Succeeded', 'timeout', 'error', 'cancelled', 'inprogress', '', 'constructor', 'toString']) {
      expect(verdictOfLog(value), value).toBeUndefined();
    }
  });

  it('reads ARM’s RunStatus, and only finished statuses as a verdict', () => {
    expect(verdictOfRun('Succeeded')).toBe('succeeded');
    expect(verdictOfRun('Failed')).toBe('failed');
    expect(verdictOfRun('Error')).toBe('failed');
    expect(verdictOfRun('Timeout')).toBe('timed_out');
    expect(verdictOfRun('Canceled')).toBe('canceled');
    for (const value of ['Queued', 'Started', 'Running', 'successful', 'timedout', 'constructor']) {
      expect(verdictOfRun(value), value).toBeUndefined();
    }
  });
});
