import { describe, expect, it } from 'vitest';
import { parseRunSummary } from '../../../../src/core/build/run-summary.ts';

const tail = [
  '2026/11/28 03:39:35 Step ID: push marked as successful (elapsed time in seconds: 1.204530)',
  '2026/11/28 03:39:35 The following dependencies were found:',
  '2026/11/28 03:39:35 ',
  '- image:',
  '    registry: contosodev.azurecr.io',
  '    repository: web',
  '    tag: v1',
  `    digest: sha256:${'a'.repeat(64)}`,
  '  runtime-dependency:',
  '    registry: registry.hub.docker.com',
  '    repository: library/node',
  '    tag: 20-alpine',
  `    digest: sha256:${'b'.repeat(64)}`,
  '  git:',
  '    git-head-revision: 0123456789abcdef0123456789abcdef01234567',
  '- image:',
  '    registry: contosodev.azurecr.io',
  '    repository: web',
  '    tag: latest',
  `    digest: sha256:${'a'.repeat(64)}`,
  '',
  'Run ID: ca1 was successful after 35s',
].join('\r\n');

describe('parseRunSummary', () => {
  it('reads the pushed images, not their base images, and the elapsed time', () => {
    const s = parseRunSummary(tail);
    expect(s.images).toEqual([
      { registry: 'contosodev.azurecr.io', repository: 'web', tag: 'v1', digest: `sha256:${'a'.repeat(64)}` },
      { registry: 'contosodev.azurecr.io', repository: 'web', tag: 'latest', digest: `sha256:${'a'.repeat(64)}` },
    ]);
    expect(s.elapsed).toBe('35s');
  });
  it('finds nothing in a log without a summary', () => {
    expect(parseRunSummary('Step 1/2 : FROM node\nRun ID: ca2 failed after 8s. Error: x').images).toEqual([]);
  });
});
