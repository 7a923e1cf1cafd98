import type { EnvironmentConfig } from '../../config/file.ts';
import type { AcrPromoteCommand, AciPromoteCommand } from '../../core/commands/promote.ts';
import { policyProblem } from '../../core/deploy/deploy-policy.ts';
import type { DeployRequest } from '../../core/deploy/deploy-job.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn, mentionAny } from '../../core/mrkdwn.ts';
import { promoteCard } from '../../core/promote/promote-card.ts';
import { groupIn, promotionRequest, type PromoteJobData, type PromoteSubject } from '../../core/promote/promote-job.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, jobHeader, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';

const nothingQueued = 'Nothing was queued.';

/** Both environments, resolved and different; unknown names are refused with the list of known ones. */
function environmentsOf(
  ctx: CommandContext,
  parsed: { from: string; to: string },
): { from: { name: string; env: EnvironmentConfig }; to: { name: string; env: EnvironmentConfig } } {
  const from = resolveEnvironment(ctx.config, parsed.from, ctx.command.channel_id);
  const to = resolveEnvironment(ctx.config, parsed.to, ctx.command.channel_id);
  if (!to.env.registry) {
    throw new UserFacingError(ErrorCode.Usage, `${to.name} has no registry configured, so there is nowhere to import the image. ${nothingQueued}`, {
      hint: `Ask the platform admin to set registry for ${to.name} in chatops.yaml.`,
    });
  }
  if (!from.env.registry && from.env.buildRegistries.length === 0) {
    throw new UserFacingError(ErrorCode.Usage, `${from.name} has no registry configured, so there is nothing to import from. ${nothingQueued}`, {
      hint: `Ask the platform admin to set registry for ${from.name} in chatops.yaml.`,
    });
  }
  return { from, to };
}

/**
 * The target's `allowedRegistries`, checked before anything is queued against the registry's
 * name (the login server needs ARM: the job checks it exactly before importing). Lenient on
 * purpose: a login server with a hash, a port or a path still names the registry.
 */
export function targetRegistryProblem(to: { name: string; env: Pick<EnvironmentConfig, 'registry' | 'policy'> }): { text: string; hint: string } | undefined {
  const allowed = to.env.policy.allowedRegistries;
  const registry = to.env.registry?.toLowerCase();
  if (allowed === undefined || registry === undefined || allowed.some((server) => server.split(/[./:-]/).includes(registry))) return undefined;
  return {
    text: `${to.name} only runs images from ${allowed.join(', ')}, not from its registry ${registry}, so a promotion there could never deploy.`,
    hint: 'Ask the platform admin to align the environment’s registry and policy.allowedRegistries.',
  };
}

/** Audits a refusal by the target's policy and says it; nothing is queued. */
async function refuseByPolicy(
  ctx: CommandContext,
  action: string,
  environment: string,
  target: string,
  problem: { text: string; hint: string },
): Promise<never> {
  await ctx.audit.record({
    actor: ctx.command.user_id,
    action: `command.${action}`,
    outcome: 'refused',
    reason: `policy: ${problem.text}`,
    environment,
    target,
  });
  throw new UserFacingError(ErrorCode.PolicyViolation, `${problem.text} ${nothingQueued}`, { hint: problem.hint });
}

async function submit(ctx: CommandContext, data: PromoteJobData, action: string, target: string): Promise<void> {
  const { command } = ctx;
  await queueJob(ctx, 'promote', data.jobId, data, promoteCard(data, { status: 'queued', portal: ctx.portal }), {
    actor: command.user_id,
    action: `command.${action}`,
    outcome: 'accepted',
    environment: data.environment,
    target,
    jobId: data.jobId,
    details: { channel: command.channel_id, from: data.from },
  });
}

function jobData(ctx: CommandContext, from: string, to: string, subject: PromoteSubject, request?: DeployRequest): PromoteJobData {
  return { ...jobHeader(ctx, to), from, subject, ...(request && { request }), progress: { phase: 'new' } };
}

/**
 * `/aci promote -n web --from dev --to prod`: deployer in the target, viewer in the source. What
 * the target's deploy asks for comes from the deploy history (Redis): the target's own last deploy
 * of the group, else the source's. The digest itself is read by the worker from the live group.
 */
export async function aciPromote(ctx: CommandContext, parsed: AciPromoteCommand): Promise<EphemeralReply> {
  const { from, to } = environmentsOf(ctx, parsed);
  await authorize(ctx, 'aci.promote', to.name, { target: parsed.name });
  await authorize(ctx, 'aci.promote.source', from.name, { target: parsed.name });
  const registryProblem = targetRegistryProblem(to);
  if (registryProblem) await refuseByPolicy(ctx, 'aci.promote', to.name, parsed.name, registryProblem);
  if (!ctx.history)
    throw new UserFacingError(ErrorCode.Usage, `I cannot read the deploy history here, so I cannot promote. ${nothingQueued}`, {
      hint: 'Ask the platform admin to check the bot’s configuration.',
    });
  const [sourceHistory, targetHistory] = await Promise.all([ctx.history.list(groupIn(from.env, parsed.name)), ctx.history.list(groupIn(to.env, parsed.name))]);
  if (sourceHistory.length === 0) {
    throw new UserFacingError(
      ErrorCode.Usage,
      `I know no deploy of ${parsed.name} in ${from.name}, so there is no tested digest to promote. ${nothingQueued}`,
      {
        hint: `Check the name with /aci list --env ${from.name}; a group deployed outside the bot can be promoted by tag with /acr promote --image REPO:TAG, then deployed with /aci create --env ${to.name}.`,
      },
    );
  }
  const chosen = promotionRequest(targetHistory, sourceHistory);
  if (!chosen)
    throw new UserFacingError(ErrorCode.Usage, `I know no settings to deploy ${parsed.name} with in ${to.name}. ${nothingQueued}`, {
      hint: `Deploy it once with /aci create --env ${to.name}, then promote.`,
    });
  // The image is the promoted digest in the target's registry; everything else is checked as for /aci create.
  const { registry: _registry, ...image } = chosen.request.image;
  const problem = policyProblem(to.name, to.env, { ...chosen.request, image });
  if (problem) await refuseByPolicy(ctx, 'aci.promote', to.name, parsed.name, problem);
  if (chosen.request.secureEnvironmentVariables.length > 0 && !to.env.keyVaultUrl) {
    throw new UserFacingError(
      ErrorCode.Usage,
      `${to.name} has no Key Vault configured, so the secure variables of ${parsed.name} cannot be read there. ${nothingQueued}`,
      { hint: `Ask the platform admin to set keyVaultUrl for ${to.name}.` },
    );
  }
  const data = jobData(ctx, from.name, to.name, { kind: 'group', name: parsed.name }, chosen.request);
  await submit(ctx, data, 'aci.promote', parsed.name);
  const settings =
    chosen.from === 'target' ? `${to.name}'s own settings of ${parsed.name}` : `the settings ${parsed.name} has in ${from.name} (without its DNS label)`;
  const approval = to.env.approval
    ? ` The deploy needs ${to.env.approval.required} approval${to.env.approval.required === 1 ? '' : 's'} from ${to.env.approval.approvers.map((a) => mentionAny(a).mrkdwn).join(' or ')}.`
    : '';
  return ephemeral(
    `:inbox_tray: Promotion of *${escapeMrkdwn(parsed.name)}* from *${escapeMrkdwn(from.name)}* to *${escapeMrkdwn(to.name)}* queued as job \`${data.jobId}\`: the digest running in ${escapeMrkdwn(from.name)} is imported into ${escapeMrkdwn(to.env.registry!)}, then deployed with ${escapeMrkdwn(settings)}.${approval}`,
  );
}

/** `/acr promote --image web:v1 --from dev --to prod`: builder in the target, viewer in the source; import only. */
export async function acrPromote(ctx: CommandContext, parsed: AcrPromoteCommand): Promise<EphemeralReply> {
  const { from, to } = environmentsOf(ctx, parsed);
  const image = `${parsed.repository}:${parsed.tag}`;
  await authorize(ctx, 'acr.promote', to.name, { target: image });
  await authorize(ctx, 'acr.promote.source', from.name, { target: image });
  if (!from.env.registry)
    throw new UserFacingError(ErrorCode.Usage, `${from.name} has no registry configured, so there is no ${image} to promote. ${nothingQueued}`, {
      hint: `Ask the platform admin to set registry for ${from.name}.`,
    });
  const data = jobData(ctx, from.name, to.name, { kind: 'image', repository: parsed.repository, tag: parsed.tag });
  await submit(ctx, data, 'acr.promote', image);
  return ephemeral(
    `:inbox_tray: Promotion of *${escapeMrkdwn(image)}* from *${escapeMrkdwn(from.name)}* to *${escapeMrkdwn(to.name)}* queued as job \`${data.jobId}\`: its digest is imported into ${escapeMrkdwn(to.env.registry!)} under the same tag; nothing is deployed.`,
  );
}
