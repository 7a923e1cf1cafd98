import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { createLogger } from './core/logger.ts';
import { start, type Running } from './runtime/start.ts';
import { CONFIG_ERROR_EXIT, Supervisor } from './runtime/supervisor.ts';
import { SupervisorLink } from './runtime/supervisor-link.ts';

/**
 * `npm start`: with CHATOPS_ROLE=all (the default) a supervisor runs the bot and the worker as
 * child processes; with `bot` or `worker`, that role alone in this process. Until SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\nSee README.md → "Configuration" for every setting.\n`);
      process.exit(CONFIG_ERROR_EXIT);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // A child of the supervisor is forked with this flag and an IPC channel to it.
  const supervised = process.argv.includes('--supervised') && process.send !== undefined;
  if (config.role === 'all' && !supervised) superviseRoles(config, logger.child({ role: 'supervisor', pid: process.pid }));
  // Every line says which process wrote it: the supervisor's children share its stdout.
  else await runRole(config, logger.child({ role: config.role, pid: process.pid }), supervised);
}

function superviseRoles(config: Config, logger: Logger): void {
  const supervisor = new Supervisor({ entry: fileURLToPath(import.meta.url), logger, shutdownGraceMs: config.worker.shutdownGraceMs });
  supervisor.start((code) => process.exit(code));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void supervisor.stop().then((code) => process.exit(code)));
  }
}

async function runRole(config: Config, logger: Logger, supervised: boolean): Promise<void> {
  let running: Running;
  try {
    running = await start(
      config,
      logger,
      supervised ? { link: new SupervisorLink(process as unknown as ConstructorParameters<typeof SupervisorLink>[0]) } : {},
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(CONFIG_ERROR_EXIT);
    }
    throw err;
  }
  const stop = () => {
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
  // The supervisor is gone (killed without a chance to stop us): drain and leave rather than run unsupervised.
  if (supervised) process.once('disconnect', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`azure-chatops failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
