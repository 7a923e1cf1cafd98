import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../../src/config/file.ts';
import { buildRegistryProblem } from '../../../../src/core/build/build-request.ts';

const env = (extra: Record<string, unknown>) =>
  environmentSchema.parse({ subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg', location: 'eastus', ...extra });

describe('which registries an environment’s builds may use', () => {
  it('allows its own registry and the ones it lists, in any case, and nothing else', () => {
    const dev = env({ registry: 'contosodev', buildRegistries: ['ContosoShared'] });
    expect(buildRegistryProblem('dev', dev, 'contosodev')).toBeUndefined();
    expect(buildRegistryProblem('dev', dev, 'CONTOSODEV')).toBeUndefined();
    expect(buildRegistryProblem('dev', dev, 'contososhared')).toBeUndefined();
    expect(buildRegistryProblem('dev', dev, 'contosoprod')?.text).toBe(
      'Builds in dev may not use registry contosoprod: only contosodev, ContosoShared. Nothing was queued.',
    );
  });

  it('allows nothing when the environment names no registry at all', () => {
    expect(buildRegistryProblem('bare', env({}), 'contosodev')?.hint).toContain('environments.bare.buildRegistries');
  });
});
