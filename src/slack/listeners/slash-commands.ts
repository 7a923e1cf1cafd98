import type { App } from '@slack/bolt';
import type { UserRateLimit } from '../../core/access/rate-limit.ts';
import { rateLimitMessage } from '../../core/access/rate-limit.ts';
import { routeCommand, SLASH_COMMANDS, type CommandSpec, type OpsAuditCommand, type Routed } from '../../core/commands/index.ts';
import type { WebClient } from '@slack/web-api';
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
import { aciPromote, acrPromote } from '../commands/promote.ts';
import { acrTaskSubscription } from '../commands/acr-task-subscribe.ts';
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
export const slashCommands = SLASH_COMMANDS;

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
          void ctx.request.note({ action: `command.${name.slice(1)}`, outcome: 'refused', reason: 'rate_limited' });
        } else {
          ({ reply, after } = await dispatch(ctx, routeCommand(name, command.text ?? ''), client));
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

type Handler = (ctx: CommandContext, parsed: never, client: WebClient, spec: CommandSpec) => Promise<Answer>;
interface Answer {
  reply: EphemeralReply;
  after?: () => Promise<void>;
}
const answer =
  <C>(handle: (ctx: CommandContext, parsed: C) => Promise<EphemeralReply>) =>
  async (ctx: CommandContext, parsed: C) => ({ reply: await handle(ctx, parsed) });

/**
 * Who answers each spec, by its access action. A spec with a `query` needs no entry: the
 * `acr-query` job answers it. `handlers.test.ts` fails when a spec has neither.
 */
export const commandHandlers: Readonly<Record<string, Handler>> = {
  'acr.build': answer(acrBuild),
  'acr.task.run': answer(acrTaskRun),
  'acr.token.rotate': answer(acrTokenRotate),
  'ops.job': answer(opsJob),
  'ops.whoami': answer((ctx) => opsWhoami(ctx)),
  'ops.audit': (ctx, parsed: OpsAuditCommand, client) => opsAudit(ctx, parsed, client),
  'aci.deploy': answer(aciCreate),
  'aci.promote': answer(aciPromote),
  'acr.promote': answer(acrPromote),
  'acr.task.subscribe': answer(acrTaskSubscription),
  'acr.task.unsubscribe': answer(acrTaskSubscription),
  ...Object.fromEntries(
    ['aci.show', 'aci.logs', 'aci.list', 'aci.restart', 'aci.stop', 'aci.start', 'aci.delete'].map((action) => [action, answer(aciLifecycle)]),
  ),
  ...Object.fromEntries(
    [
      'acr.runs',
      'acr.logs',
      'acr.cancel',
      'acr.repository.list',
      'acr.repository.show-tags',
      'acr.show',
      'acr.replication.list',
      'acr.token.list',
      'acr.task.list',
      'acr.task.show',
    ].map((action) => [action, answer(acrRegistry)]),
  ),
  ...Object.fromEntries(
    ['acr.update', 'acr.replication.create', 'acr.replication.delete', 'acr.token.create', 'acr.task.create', 'acr.task.delete'].map((action) => [
      action,
      answer(acrChange),
    ]),
  ),
  ...Object.fromEntries(['sp.expiring', 'sp.list', 'sp.show', 'sp.rotate'].map((action) => [action, answer(sp)])),
};

async function dispatch(ctx: CommandContext, { parsed, spec }: Routed, client: WebClient): Promise<Answer> {
  if (parsed.kind === 'help' || spec === undefined)
    return { reply: await help(ctx, parsed.kind === 'help' ? parsed.topic : '', parsed.kind === 'help' ? parsed.usage : '') };
  if (spec.query) return { reply: await acrRegistry(ctx, parsed, spec) };
  const handle = commandHandlers[spec.action];
  if (!handle) throw new TypeError(`no handler for ${spec.action}`);
  return handle(ctx, parsed as never, client, spec);
}

function toReply(err: unknown, ctx: CommandContext, name: string): EphemeralReply {
  const reply = failureReply(err, 'so nothing was started');
  if (isUserVisibleError(err) && err.code === ErrorCode.Usage && err.usage !== undefined) {
    // Wrong input is recorded too (every command, accepted or refused), without blocking the answer.
    void ctx.request.note({ action: `command.${name.slice(1)}`, outcome: 'refused', reason: 'usage', details: { error: redactText(err.message) } });
  }
  return reply;
}
