import { describe, expect, it } from 'vitest';
import { formatAuditLines } from '../../../src/audit/index.ts';
import type { AuditEvent } from '../../../src/core/audit.ts';

describe('formatAuditLines', () => {
  it('writes one line per event with UTC time, actor, outcome, action and the fields present', () => {
    const events: AuditEvent[] = [
      {
        at: '2024-06-10T14:00:05.123+02:00',
        actor: 'U0ALICE1',
        action: 'command.aci.deploy',
        outcome: 'refused',
        environment: 'prod',
        target: 'web:v1',
        jobId: 'j0abc12def345',
        reason: 'needs approval',
      },
      { at: '2024-06-10T11:00:00.000Z', actor: 'system', action: 'rotation.step', outcome: 'info' },
    ];
    expect(formatAuditLines(events)).toEqual([
      '2024-06-10 12:00:05Z U0ALICE1    refused   command.aci.deploy env=prod target=web:v1 job=j0abc12def345 reason: needs approval',
      '2024-06-10 11:00:00Z system      info      rotation.step',
    ]);
  });

  it('keeps each event on one line and strips control and bidi characters', () => {
    const [line, ...rest] = formatAuditLines([
      { at: '2024-06-10T11:00:00Z', actor: 'U0ALICE1', action: 'rotation.step', outcome: 'failed', reason: 'line one\nline two\u202e\u0007' },
    ]);
    expect(rest).toEqual([]);
    expect(line).toBe('2024-06-10 11:00:00Z U0ALICE1    failed    rotation.step reason: line one line two ');
  });

  it('redacts again, for events stored before a redaction rule existed', () => {
    const [line] = formatAuditLines([
      { at: '2024-06-10T11:00:00Z', actor: 'U0ALICE1', action: 'rotation.step', outcome: 'failed', reason: 'token xoxb-9-SECRET' },
    ]);
    expect(line).not.toContain('SECRET');
  });

  it('shows an unparseable time as stored', () => {
    expect(formatAuditLines([{ at: 'garbled', actor: 'U0ALICE1', action: 'a.b', outcome: 'info' }])).toEqual(['garbled U0ALICE1    info      a.b']);
  });

  it('returns nothing for no events', () => {
    expect(formatAuditLines([])).toEqual([]);
  });
});
