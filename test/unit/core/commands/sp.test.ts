import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/core/commands/errors.ts';
import { parseCommand } from '../../../../src/core/commands/index.ts';

describe('/sp parsing', () => {
  it('parses each subcommand and refuses bad input with usage', () => {
    expect(parseCommand('/sp', 'expiring --days 7')).toEqual({ kind: 'sp.expiring', days: 7 });
    expect(parseCommand('/sp', 'expiring')).toEqual({ kind: 'sp.expiring' });
    expect(parseCommand('/sp', 'list')).toEqual({ kind: 'sp.list' });
    expect(parseCommand('/sp', 'show --app "Build Pipeline"')).toEqual({ kind: 'sp.show', app: 'Build Pipeline' });
    expect(parseCommand('/sp', 'rotate --app 22222222-2222-2222-2222-22222222AAAA')).toEqual({
      kind: 'sp.rotate',
      app: '22222222-2222-2222-2222-22222222aaaa',
    });
    expect(parseCommand('/sp', 'rotate')).toMatchObject({ kind: 'help', topic: '/sp rotate' });
    expect(() => parseCommand('/sp', 'rotate --key-id 22222222-2222-2222-2222-222222222222')).toThrow(/--app/);
    expect(() => parseCommand('/sp', 'rotate --app x --key-id nope')).toThrow(/key id/);
    expect(() => parseCommand('/sp', 'expiring --days 9999')).toThrow(/0–730/);
    expect(() => parseCommand('/sp', 'show --app <!channel>')).toThrow(UsageError);
  });
});
