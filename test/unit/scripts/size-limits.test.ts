import { describe, expect, it } from 'vitest';
import { oversized } from '../../../scripts/size-limits.ts';

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join('\n');

describe('the size check', () => {
  it('lists a function of 81 lines by name and line, and lets one of 80 pass', () => {
    const text = `// header\nexport function long(): void {\n${body(79)}\n}\n\nexport function fits(): void {\n${body(78)}\n}\n`;
    expect(oversized('a.ts', text)).toEqual([{ file: 'a.ts', line: 2, name: 'long', lines: 81, limit: 80 }]);
  });

  it('names methods by their class, arrows by their variable and callbacks by their call', () => {
    const text = [
      `class Store {\n  flush(): void {\n${body(80)}\n  }\n}`,
      `const handler = () => {\n${body(80)}\n};`,
      `app.command('/acr', async () => {\n${body(80)}\n});`,
    ].join('\n');
    expect(oversized('b.ts', text).map((o) => o.name)).toEqual(['Store.flush', 'handler', 'app.command(…) callback']);
  });

  it('lists a file over 300 lines, and not one of 300', () => {
    expect(oversized('c.ts', 'let a = 1;\n'.repeat(301))).toEqual([{ file: 'c.ts', line: 1, name: '(file)', lines: 301, limit: 300 }]);
    expect(oversized('d.ts', 'let a = 1;\n'.repeat(300))).toEqual([]);
  });
});
