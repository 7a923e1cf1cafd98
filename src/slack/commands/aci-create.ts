import { ACI_CREATE_USAGE, type AciCreateCommand } from '../../core/commands/aci/index.ts';
import { UsageError } from '../../core/commands/errors.ts';
import { deployCard } from '../../core/deploy/deploy-card.ts';
import type { DeployJobData, DeployRequest } from '../../core/deploy/deploy-job.ts';
import { effectiveIpAddress, policyProblem } from '../../core/deploy/deploy-policy.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn, mentionAny } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, jobHeader, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';

/** The request as job data: optional flags resolved to what will be deployed. */
export function toDeployRequest(parsed: AciCreateCommand): DeployRequest {
  const ipAddress = effectiveIpAddress(parsed);
  if (ipAddress === 'Private' && parsed.subnet === undefined) {
    throw new UsageError('A private IP address needs a virtual network: add --subnet <subnet resource id>, or use --ip-address Public.', ACI_CREATE_USAGE);
  }
  return {
    name: parsed.name,
    image: parsed.image,
    cpu: parsed.cpu,
    memoryInGB: parsed.memoryInGB,
    ports: parsed.ports,
    protocol: parsed.protocol,
    ...(ipAddress !== undefined && { ipAddress }),
    ...(parsed.dnsNameLabel !== undefined && { dnsNameLabel: parsed.dnsNameLabel }),
    restartPolicy: parsed.restartPolicy,
    environmentVariables: parsed.environmentVariables,
    secureEnvironmentVariables: parsed.secureEnvironmentVariables,
    ...(parsed.commandLine !== undefined && { commandLine: parsed.commandLine }),
    ...(parsed.subnet !== undefined && { subnet: parsed.subnet }),
  };
}

/**
 * `/aci create` (`deploy`): authorise, check the environment's policy, then queue the deploy
 * job. Nothing here talks to Azure: the worker pins the digest and reads Key Vault.
 */
export async function aciCreate(ctx: CommandContext, parsed: AciCreateCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  await authorize(ctx, 'aci.deploy', environment, { target: parsed.name });
  const request = toDeployRequest(parsed);
  const problem = policyProblem(environment, env, request);
  if (problem) {
    await ctx.audit.record({
      actor: command.user_id,
      action: 'command.aci.deploy',
      outcome: 'refused',
      reason: `policy: ${problem.text}`,
      environment,
      target: parsed.name,
    });
    throw new UserFacingError(ErrorCode.PolicyViolation, `${problem.text} Nothing was queued.`, { hint: problem.hint });
  }
  if (request.secureEnvironmentVariables.length > 0 && !env.keyVaultUrl) {
    throw new UserFacingError(
      ErrorCode.Usage,
      `${environment} has no Key Vault configured, so --secure-environment-variables cannot be read. Nothing was queued.`,
      {
        hint: 'Ask the platform admin to set keyVaultUrl for this environment.',
      },
    );
  }
  const data: DeployJobData = {
    ...jobHeader(ctx, environment),
    target: {
      subscriptionId: env.subscriptionId,
      resourceGroup: env.resourceGroup,
      location: env.location,
      name: parsed.name,
      ...(env.registry && { registry: env.registry }),
    },
    request,
    ...(env.approval && { approval: { required: env.approval.required, expiresAfterMs: env.approval.expiresAfter } }),
    progress: { phase: 'new' },
  };
  const { jobId } = data;
  await queueJob(ctx, 'deploy', jobId, data, deployCard(data, { status: 'queued', portal: ctx.portal }), {
    actor: command.user_id,
    action: 'command.aci.deploy',
    outcome: 'accepted',
    environment,
    target: `${parsed.name}: ${parsed.image.text}`,
    jobId,
    details: { channel: command.channel_id, approval: Boolean(env.approval), secureVariables: request.secureEnvironmentVariables.map((v) => v.name).join(',') },
  });
  const approvalNote = env.approval
    ? ` It needs ${env.approval.required} approval${env.approval.required === 1 ? '' : 's'} from ${env.approval.approvers.map((a) => mentionAny(a).mrkdwn).join(' or ')} once the plan is ready.`
    : '';
  return ephemeral(`:inbox_tray: Deploy of *${escapeMrkdwn(parsed.name)}* queued as job \`${jobId}\` in *${escapeMrkdwn(environment)}*.${approvalNote}`);
}
