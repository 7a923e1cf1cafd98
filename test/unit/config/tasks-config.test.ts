import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';

const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'c.yaml' };
const yaml = (dev: string) => `
environments:
  dev:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    resourceGroup: rg-dev
    location: eastus
${dev}
`;

function problems(text: string): string {
  try {
    loadConfig(env, () => text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('environments.<env>.tasks', () => {
  it('takes a channel per task and an optional deploy group; the watch interval defaults to 30 s', () => {
    const config = loadConfig(env, () =>
      yaml('    registry: contosodev\n    tasks:\n      buildwebapp: { channel: C0DEV, deploy: { group: web } }\n      build-api: { channel: C0API }'),
    );
    expect(config.environments.dev!.tasks).toEqual({ buildwebapp: { channel: 'C0DEV', deploy: { group: 'web' } }, 'build-api': { channel: 'C0API' } });
    expect(config.worker.taskWatchMs).toBe(30_000);
    expect(loadConfig({ ...env, CHATOPS_TASK_WATCH_MS: '60000' }, () => yaml('    registry: contosodev')).worker.taskWatchMs).toBe(60_000);
  });

  it('refuses unknown keys, bad names and channels, and tasks without a registry, saying where', () => {
    expect(problems(yaml('    registry: contosodev\n    tasks:\n      buildwebapp: { channel: C0DEV, deploy: { group: web, env: prod } }'))).toMatch(
      /environments\.dev\.tasks\.buildwebapp\.deploy.*env/,
    );
    expect(problems(yaml('    registry: contosodev\n    tasks:\n      buildwebapp: { channel: C0DEV, chanel: C0X }'))).toMatch(/chanel/);
    expect(problems(yaml('    registry: contosodev\n    tasks:\n      web: { channel: C0DEV }'))).toMatch(/task names are 5-50/);
    expect(problems(yaml('    registry: contosodev\n    tasks:\n      buildwebapp: { channel: general }'))).toMatch(
      /environments\.dev\.tasks\.buildwebapp\.channel: must be a Slack channel id/,
    );
    expect(problems(yaml('    registry: contosodev\n    tasks:\n      buildwebapp: { channel: C0DEV, deploy: { group: Web_1 } }'))).toMatch(
      /container group name/,
    );
    expect(problems(yaml('    tasks:\n      buildwebapp: { channel: C0DEV }'))).toMatch(/environments\.dev\.registry: is needed because tasks/);
  });
});
