import { describe, expect, it } from 'vitest';
import { decodeAuditEntry } from '../../../src/audit/index.ts';

const good = { at: '2024-06-10T11:00:00.000Z', actor: 'U0ALICE1', action: 'rotation.step', outcome: 'info' };

describe('decodeAuditEntry', () => {
  it('reads the event in field e', () => {
    expect(decodeAuditEntry(['e', JSON.stringify({ ...good, target: 't', details: { n: 1 } })])).toEqual({ ...good, target: 't', details: { n: 1 } });
  });

  it('copies only known fields and scalar details', () => {
    const stored = { ...good, extra: '<!channel>', jobId: 5, details: { ok: true, nested: { a: 1 } } };
    expect(decodeAuditEntry(['e', JSON.stringify(stored)])).toEqual({ ...good, details: { ok: true } });
  });

  it.each<[string, string[]]>([
    ['no e field', ['x', '{}']],
    ['e only as a value', ['x', 'e', 'y', JSON.stringify(good)]],
    ['broken JSON', ['e', '{']],
    ['a JSON string', ['e', '"hi"']],
    ['null', ['e', 'null']],
    ['a missing actor', ['e', JSON.stringify({ ...good, actor: undefined })]],
    ['an unknown outcome', ['e', JSON.stringify({ ...good, outcome: 'maybe' })]],
    ['no fields', []],
  ])('gives undefined for %s', (_name, fields) => {
    expect(decodeAuditEntry(fields)).toBeUndefined();
  });
});
