import type { EnvironmentConfig } from '../config/file.ts';
import { ErrorCode, UserFacingError } from './errors.ts';

export interface EnvironmentsConfig {
  defaultEnvironment: string;
  environments: Readonly<Record<string, EnvironmentConfig>>;
}

/**
 * Which environment a command targets: the one it names, else the channel's, else the
 * configured default.
 */
export function resolveEnvironment(config: EnvironmentsConfig, requested: string | undefined, channelId: string): { name: string; env: EnvironmentConfig } {
  const names = Object.keys(config.environments);
  if (requested !== undefined) {
    // Own keys only: `--env constructor` must not find Object.prototype's constructor.
    const env = Object.hasOwn(config.environments, requested) ? config.environments[requested] : undefined;
    if (!env) {
      throw new UserFacingError(ErrorCode.Usage, `There is no environment called "${requested}".`, {
        hint: `Use one of: ${names.join(', ')}.`,
      });
    }
    return { name: requested, env };
  }
  for (const name of names) {
    const env = config.environments[name]!;
    if (env.channels.includes(channelId)) return { name, env };
  }
  return { name: config.defaultEnvironment, env: config.environments[config.defaultEnvironment]! };
}
