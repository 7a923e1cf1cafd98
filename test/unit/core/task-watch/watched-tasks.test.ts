import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../../../src/config/file.ts';
import { taskRunsFilter } from '../../../../src/core/task-watch/run-filter.ts';
import { configuredWatch, registryWatchKey, watchedRegistries } from '../../../../src/core/task-watch/watched-tasks.ts';

const sub = '00000000-0000-0000-0000-000000000001';
const env = (registry: string | undefined, tasks?: EnvironmentConfig['tasks']): EnvironmentConfig =>
  ({
    subscriptionId: sub,
    resourceGroup: 'rg-dev',
    location: 'eastus',
    buildRegistries: [],
    channels: [],
    policy: { publicIp: true },
    ...(registry && { registry }),
    ...(tasks && { tasks }),
  }) as EnvironmentConfig;

describe('taskRunsFilter', () => {
  it('joins the watched tasks with or, once each, quotes doubled', () => {
    expect(taskRunsFilter(['web'])).toBe("TaskName eq 'web'");
    expect(taskRunsFilter(['web', 'api', 'WEB'])).toBe("TaskName eq 'api' or TaskName eq 'web'");
    expect(taskRunsFilter(["o'neil"])).toBe("TaskName eq 'o''neil'");
    expect(() => taskRunsFilter([])).toThrow(/at least one/);
  });
});

describe('watchedRegistries', () => {
  it('groups config tasks and subscriptions by registry; the config wins for the same task', () => {
    const environments = {
      dev: env('contosodev', { buildwebapp: { channel: 'C0DEV', deploy: { group: 'web' } } }),
      qa: env('contosodev'),
      prod: env('contosoprod'),
      none: env(undefined),
    };
    const subs = [
      { environment: 'dev', task: 'BuildWebApp', channel: 'C0OTHER', subscribedBy: 'U1', at: '2026-01-01T00:00:00.000Z' },
      { environment: 'qa', task: 'buildapi', channel: 'C0QA', subscribedBy: 'U1', at: '2026-01-01T00:00:00.000Z' },
      { environment: 'prod', task: 'buildweb', channel: 'C0PROD', subscribedBy: 'U1', at: '2026-01-01T00:00:00.000Z' },
      { environment: 'none', task: 'nothing', channel: 'C0X', subscribedBy: 'U1', at: '2026-01-01T00:00:00.000Z' },
      { environment: 'gone', task: 'ghost', channel: 'C0X', subscribedBy: 'U1', at: '2026-01-01T00:00:00.000Z' },
    ];
    const watches = watchedRegistries(environments, subs);
    expect(watches.map((w) => w.key)).toEqual([
      registryWatchKey({ subscriptionId: sub, resourceGroup: 'rg-dev', registry: 'contosodev' }),
      `${sub}/rg-dev/contosoprod`,
    ]);
    expect(watches[0]!.tasks).toEqual([
      { environment: 'dev', task: 'buildwebapp', channel: 'C0DEV', deploy: { group: 'web' }, source: 'config' },
      { environment: 'qa', task: 'buildapi', channel: 'C0QA', source: 'subscription', since: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(configuredWatch(environments.dev, 'BUILDWEBAPP')).toEqual({ name: 'buildwebapp', channel: 'C0DEV' });
    expect(configuredWatch(environments.qa, 'buildapi')).toBeUndefined();
  });
});
