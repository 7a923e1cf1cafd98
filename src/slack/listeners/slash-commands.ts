import type { App } from '@slack/bolt';
import type { UserRateLimit } from '../../core/access/rate-limit.ts';
import { rateLimitMessage } from '../../core/access/rate-limit.ts';
import { parseCommand, type ParsedCommand } from '../../core/commands/index.ts';
import { ErrorCode, isUserVisibleError, QueueUnavailableError } from '../../core/errors.ts';
import { redactText } from '../../core/redact.ts';
import { aciCreate } from '../commands/aci-create.ts';
import { aciLifecycle } from '../commands/aci-lifecycle.ts';
import { acrBuild } from '../commands/acr-build.ts';
import { sp } from '../commands/sp.ts';
import { acrTokenRotate } from '../commands/acr-token.ts';
import { acrRegistry } from '../commands/acr-registry.ts';
import { acrChange } from '../commands/acr-change.ts';
import { acrTaskRun } from '../commands/acr-task-run.ts';
import type { CommandContext, CommandDeps } from '../commands/context.ts';
import { commandRequester, requestContext } from './request-context.ts';
import { help } from '../commands/help.ts';
import { opsAudit } from '../commands/ops-audit.ts';
import { opsJob } from '../commands/ops-job.ts';
import { opsWhoami } from '../commands/ops-whoami.ts';
import { ephemeral, failureReply, type EphemeralReply } from '../render/replies.ts';

export interface SlashCommandDeps extends Omit<CommandDeps, 'now'> {
  rateLimit: UserRateLimit;
  perMinute: number;
  now?: () => Date;
}

/** The slash commands this app registers (the manifest lists the same). */
export const slashCommands = ['/acr', '/aci', '/sp', '/ops'] as const;

/**
 * Slash commands: rate limit → parse → authorise → audit → durable enqueue → ack. Nothing
 * here waits on Azure; Slack Web API calls (a DM with a file) happen only after the ack.
 */
export function registerSlashCommands(app: App, deps: SlashCommandDeps): void {
  const base: CommandDeps = { ...deps, now: deps.now ?? (() => new Date()) };
  for (const name of slashCommands) {
    app.command(name, async ({ command, ack, client }) => {
      const ctx: CommandContext = { ...base, command, request: requestContext(deps, commandRequester(command)) };
      const log = deps.logger.child({ command: name, user: command.user_id, channel: command.channel_id });
      let reply: EphemeralReply;
      let after: (() => Promise<void>) | undefined;
      try {
        const limit = await deps.rateLimit.hit(command.user_id).catch((err: unknown) => {
          throw new QueueUnavailableError(err); // Redis is down: say so, like the enqueue would
        });
        if (!limit.allowed) {
          reply = ephemeral(rateLimitMessage(limit, deps.perMinute).mrkdwn);
          void deps.audit
            .record({ actor: command.user_id, action: `command.${name.slice(1)}`, outcome: 'refused', reason: 'rate_limited' })
            .catch((err: unknown) => log.error({ err }, 'could not audit a refusal'));
        } else {
          const parsed = parseCommand(name, command.text ?? '');
          ({ reply, after } = await dispatch(ctx, parsed, client));
        }
      } catch (err) {
        reply = toReply(err, ctx, name);
        if (!isUserVisibleError(err)) log.error({ err }, 'command failed');
      }
      await ack(reply);
      if (after) await after().catch((err: unknown) => log.error({ err }, 'follow-up after ack failed'));
    });
  }
}

async function dispatch(ctx: CommandContext, parsed: ParsedCommand, client: Parameters<typeof opsAudit>[2]): Promise<{ reply: EphemeralReply; after?: () => Promise<void> }> {
  switch (parsed.kind) {
    case 'help':
      return { reply: await help(ctx, parsed.topic, parsed.usage) };
    case 'acr.build':
      return { reply: await acrBuild(ctx, parsed) };
    case 'ops.job':
      return { reply: await opsJob(ctx, parsed) };
    case 'ops.whoami':
      return { reply: await opsWhoami(ctx) };
    case 'ops.audit':
      return opsAudit(ctx, parsed, client);
    case 'aci.create':
      return { reply: await aciCreate(ctx, parsed) };
    case 'aci.show':
    case 'aci.logs':
    case 'aci.list':
    case 'aci.restart':
    case 'aci.stop':
    case 'aci.start':
    case 'aci.delete':
      return { reply: await aciLifecycle(ctx, parsed) };
    case 'acr.runs':
    case 'acr.logs':
    case 'acr.cancel':
    case 'acr.repository.list':
    case 'acr.repository.show-tags':
    case 'acr.show':
    case 'acr.replication.list':
    case 'acr.token.list':
    case 'acr.task.list':
    case 'acr.task.show':
      return { reply: await acrRegistry(ctx, parsed) };
    case 'acr.update':
    case 'acr.replication.create':
    case 'acr.replication.delete':
    case 'acr.token.create':
    case 'acr.task.create':
    case 'acr.task.delete':
      return { reply: await acrChange(ctx, parsed) };
    case 'acr.task.run':
      return { reply: await acrTaskRun(ctx, parsed) };
    case 'acr.token.rotate':
      return { reply: await acrTokenRotate(ctx, parsed) };
    case 'sp.expiring':
    case 'sp.list':
    case 'sp.show':
    case 'sp.rotate':
      return { reply: await sp(ctx, parsed) };
  }
}

function toReply(err: unknown, ctx: CommandContext, name: string): EphemeralReply {
  const reply = failureReply(err, 'so nothing was started');
  if (isUserVisibleError(err) && err.code === ErrorCode.Usage && err.usage !== undefined) {
    // Wrong input is recorded too (every command, accepted or refused), without blocking the answer.
    void ctx.request.note({ action: `command.${name.slice(1)}`, outcome: 'refused', reason: 'usage', details: { error: redactText(err.message) } });
  }
  return reply;
}
