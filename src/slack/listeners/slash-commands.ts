import type { App } from '@slack/bolt';
import type { UserRateLimit } from '../../core/access/rate-limit.ts';
import { rateLimitMessage } from '../../core/access/rate-limit.ts';
import { AuditWriteError } from '../../core/audit.ts';
import { parseCommand, UsageError, type ParsedCommand } from '../../core/commands/index.ts';
import { QueueUnavailableError, UserFacingError } from '../../core/errors.ts';
import { redactText } from '../../core/redact.ts';
import { aciCreate } from '../commands/aci-create.ts';
import { aciLifecycle } from '../commands/aci-lifecycle.ts';
import { acrBuild } from '../commands/acr-build.ts';
import { sp } from '../commands/sp.ts';
import { acrTokenRotate } from '../commands/acr-token.ts';
import { acrRegistry } from '../commands/acr-registry.ts';
import { acrChange } from '../commands/acr-change.ts';
import { acrTaskRun } from '../commands/acr-task-run.ts';
import { aciPromote, acrPromote } from '../commands/promote.ts';
import { acrTaskSubscription } from '../commands/acr-task-subscribe.ts';
import { Refused, type CommandContext, type CommandDeps } from '../commands/context.ts';
import { help } from '../commands/help.ts';
import { opsAudit } from '../commands/ops-audit.ts';
import { opsJob } from '../commands/ops-job.ts';
import { opsWhoami } from '../commands/ops-whoami.ts';
import { ephemeral, failureReply, usageReply, type EphemeralReply } from '../render/replies.ts';

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
      const ctx: CommandContext = { ...base, command };
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
        if (!(err instanceof UsageError || err instanceof Refused || err instanceof UserFacingError || err instanceof AuditWriteError)) {
          log.error({ err }, 'command failed');
        }
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
    case 'aci.promote':
      return { reply: await aciPromote(ctx, parsed) };
    case 'acr.promote':
      return { reply: await acrPromote(ctx, parsed) };
    case 'acr.task.subscribe':
    case 'acr.task.unsubscribe':
      return { reply: await acrTaskSubscription(ctx, parsed, ctx.taskWatches) };
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
  if (err instanceof UsageError) {
    // Parsers never echo a value after `=` or a secret flag; this catches a credential-shaped
    // word echoed anywhere else before it reaches Slack or the 90-day audit log.
    const message = redactText(err.message);
    // Wrong input is recorded too (every command, accepted or refused), without blocking the answer.
    void ctx.audit
      .record({ actor: ctx.command.user_id, action: `command.${name.slice(1)}`, outcome: 'refused', reason: 'usage', details: { error: message } })
      .catch(() => {});
    return usageReply(message, err.usage);
  }
  if (err instanceof Refused) return ephemeral(err.reply.mrkdwn);
  return failureReply(err, 'so nothing was started');
}
