import type { AcrTaskSubscriptionCommand } from '../../core/commands/acr-task-subscribe.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { configuredWatch, registryWatchKey, watchedRegistries } from '../../core/task-watch/watched-tasks.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * `/acr task subscribe --name X [--channel C]`: the task's runs are announced in the channel and
 * followed like `/acr build`; `unsubscribe` stops that. Stored in Redis (no Azure call here: the
 * registry's watcher, a job scheduler, does the looking); a task the config names is the
 * config's, and stays as it says.
 */
export async function acrTaskSubscription(ctx: CommandContext, parsed: AcrTaskSubscriptionCommand): Promise<EphemeralReply> {
  const { command, taskWatches: control } = ctx;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  if (!env.registry)
    throw new UserFacingError(ErrorCode.Usage, `${environment} has no registry configured, so it has no tasks to announce.`, {
      hint: 'Use --env with an environment that has one.',
    });
  const ref = { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry: env.registry };
  const target = `${env.registry}/${parsed.name}`;
  await authorize(ctx, parsed.kind, environment, { target });
  const task = escapeMrkdwn(parsed.name);
  const configured = configuredWatch(env, parsed.name);
  if (configured) {
    const verb = parsed.kind === 'acr.task.subscribe' ? 'is already announced' : 'is announced';
    return ephemeral(
      `Task *${task}* ${verb} in <#${configured.channel}> because chatops.yaml names it under \`environments.${escapeMrkdwn(environment)}.tasks\`; the config wins, so nothing changed. Ask the platform admin to change it there.`,
    );
  }
  if (parsed.kind === 'acr.task.unsubscribe') {
    await ctx.audit.record({
      actor: command.user_id,
      action: 'command.acr.task.unsubscribe',
      outcome: 'accepted',
      environment,
      target,
      details: { channel: command.channel_id },
    });
    const removed = await control.store.unsubscribe(environment, parsed.name);
    if (!removed) return ephemeral(`No channel is subscribed to task *${task}* in *${escapeMrkdwn(environment)}*; nothing changed.`);
    const still = watchedRegistries(ctx.config.environments, await control.store.subscriptions()).some((w) => w.key === registryWatchKey(ref));
    if (!still) await control.schedules.remove(registryWatchKey(ref));
    return ephemeral(`:mute: Runs of task *${task}* are no longer announced in <#${removed.channel}>. Runs already announced are still followed to the end.`);
  }
  const channel = parsed.channel ?? command.channel_id;
  if (!/^[CG]/.test(channel)) {
    throw new UserFacingError(ErrorCode.Usage, 'Task runs are announced in a channel, not in a direct message.', {
      hint: 'Run the command in the channel, or add --channel #CHANNEL.',
    });
  }
  await ctx.audit.record({ actor: command.user_id, action: 'command.acr.task.subscribe', outcome: 'accepted', environment, target, details: { channel } });
  const change = await control.store.subscribe({ environment, task: parsed.name, channel, subscribedBy: command.user_id, at: ctx.now().toISOString() });
  await control.schedules.ensure(registryWatchKey(ref));
  const moved = change === 'updated' ? ' (moved from where it was announced before)' : '';
  return ephemeral(
    `:satellite_antenna: Runs of task *${task}* in *${escapeMrkdwn(env.registry)}* (${escapeMrkdwn(environment)}) will be announced in <#${channel}>${moved}: a card per run (commit, base image update, timer, portal), followed like \`/acr build\`. The registry is checked every ${seconds(control.everyMs)}. If the task does not exist, nothing is announced: \`/acr task list\` shows the tasks.`,
  );
}
