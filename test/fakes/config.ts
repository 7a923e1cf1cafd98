import type { Config } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load-config.ts';

/** The product's own `Config` for a `chatops.yaml` text, loaded as at start-up with the fewest variables it needs. */
export function configFromYaml(yaml: string, env: Record<string, string> = {}): Config {
  return loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'chatops.yaml', ...env }, () => yaml);
}
