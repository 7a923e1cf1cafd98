import type { EnvironmentConfig } from '../src/config/file.ts';
import type { Approvals } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import type { RunImage } from '../src/core/build/acr-builds.ts';
import type { BuildJobData } from '../src/core/build/build-job.ts';
import { commitOf } from '../src/core/build/run-trigger.ts';
import type { JobReporter } from '../src/core/card.ts';
import { deployCard } from '../src/core/deploy/deploy-card.ts';
import { groupKey, type DeployHistory, type DeployJobData } from '../src/core/deploy/deploy-job.ts';
import { policyProblem } from '../src/core/deploy/deploy-policy.ts';
import { jobIdFromTrigger } from '../src/core/job-id.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { md } from '../src/core/mrkdwn.ts';
import type { TaskDeployEntry, TaskDeploys } from '../src/core/task-watch/ports.ts';

/** What "dev follows main" needs besides the build job's own deps. */
export interface TaskDeployDeps {
  jobs: JobQueue;
  history: DeployHistory;
  taskDeploys: TaskDeploys;
  approvals: Approvals;
  audit: AuditLog;
  reporter: JobReporter;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  portal: string;
}

/** The deploy job of a run's build job: the same for the same run, so a retried build job queues it once. */
export function taskDeployJobId(teamId: string, buildJobId: string): string {
  return jobIdFromTrigger(teamId, `task-deploy:${buildJobId}`);
}

/** The pushed image to deploy: of the repository the group runs now, else the first with a digest. */
function pickImage(images: readonly RunImage[], repository: string): RunImage | undefined {
  const pushed = images.filter((i) => i.repository && i.digest);
  return pushed.find((i) => i.repository!.toLowerCase() === repository.toLowerCase()) ?? pushed[0];
}

/**
 * Dev follows main: after a watched task's run succeeded, its pushed digest goes to the
 * container group named in `tasks.<name>.deploy.group`, through the normal `deploy` job (same
 * pinning, policy, locks, audit and approval). The group's last deploy gives everything but the
 * image (size, ports, variables), as for a credential rotation's redeploy; the requester is the
 * bot (`system`) and the deploy says which run and commit it comes from. A newer run's deploy
 * supersedes one still waiting; an older run never replaces a newer one.
 * Reports in the build's thread what it did or why it did not.
 */
export async function queueTaskDeploy(deps: TaskDeployDeps, build: BuildJobData, images: readonly RunImage[], now: Date): Promise<void> {
  const group = build.deployTo!.group;
  const env = deps.environments[build.environment];
  const say = (text: string, hint?: string) => deps.reporter.post(build.jobId, hint ? { kind: 'error', text, hint } : { kind: 'note', text: md`${text}` });
  if (!env?.registry)
    return say(
      `${build.environment} is no longer configured with a registry, so the run was not deployed to ${group}.`,
      'Ask the platform admin to check the tasks section of chatops.yaml.',
    );
  const ref = { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: group };
  const last = (await deps.history.list(ref)).find((r) => r.request);
  if (!last?.request) {
    return say(
      `I know no deploy of ${group} in ${build.environment} to repeat with this run's image, so nothing was deployed.`,
      `Deploy it once with /aci create -n ${group} --env ${build.environment} (size, ports, variables); from then on every successful run of ${build.task?.name ?? 'the task'} deploys its digest there.`,
    );
  }
  const image = pickImage(images, last.repository);
  if (!image) return say(`Run ${build.progress.runId} pushed no image with a digest, so nothing was deployed to ${group}.`);
  const runId = build.progress.runId!;
  const commitId = commitOf(build.trigger);
  const jobId = taskDeployJobId(build.teamId, build.jobId);
  const request = {
    ...last.request,
    name: group,
    image: {
      registry: image.registry ?? last.loginServer,
      repository: image.repository!,
      digest: image.digest!,
      text: `${image.repository}@${image.digest!.slice(0, 19)}…`,
    },
  };
  const problem = policyProblem(build.environment, env, request);
  if (problem) return say(`${problem.text} Nothing was deployed to ${group}.`, problem.hint);

  const entry: TaskDeployEntry = { jobId, runId, runCreatedAt: build.queuedAt, ...(commitId && { commitId }) };
  const offer = await deps.taskDeploys.offer(groupKey(ref), entry);
  if (!offer.taken) {
    return say(
      `Run ${offer.newer.runId}${offer.newer.commitId ? ` (commit ${offer.newer.commitId})` : ''} is newer and already deploying to ${group}, so this older run was not deployed.`,
    );
  }
  const deploy: DeployJobData = {
    jobId,
    requesterId: 'system',
    teamId: build.teamId,
    channelId: build.channelId,
    environment: build.environment,
    queuedAt: now.toISOString(),
    target: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, location: env.location, name: group, registry: env.registry },
    request,
    ...(env.approval && { approval: { required: env.approval.required, expiresAfterMs: env.approval.expiresAfter } }),
    source: { task: build.task?.name ?? '?', runId, runCreatedAt: build.queuedAt, buildJobId: build.jobId, ...(commitId && { commitId }) },
    progress: { phase: 'new' },
  };
  await deps.audit.record({
    actor: 'system',
    action: 'task.deploy.queued',
    outcome: 'accepted',
    environment: build.environment,
    target: `${group}: ${image.repository}@${image.digest}`,
    jobId,
    details: { task: deploy.source!.task, runId, buildJob: build.jobId, approval: Boolean(env.approval), ...(commitId && { commit: commitId }) },
  });
  await deps.reporter.openCard(deployCard(deploy, { status: 'queued', portal: deps.portal }), { channelId: build.channelId, teamId: build.teamId });
  await deps.jobs.submit('deploy', jobId, deploy);
  await say(`Deploying ${image.repository}@${image.digest} to ${group} in ${build.environment}: job ${jobId}${env.approval ? ', once approved' : ''}.`);
  const previous = offer.taken ? offer.previous : undefined;
  // The older deploy, if it is still waiting, sees that it is superseded as soon as it wakes.
  if (previous && previous.jobId !== jobId) await deps.jobs.wake(previous.jobId);
}

/**
 * Whether a task-run deploy still waiting for its turn (approval, the group's lock) has been
 * superseded by a newer run's: the newer entry, or `undefined` when this one is still current.
 */
export async function supersededBy(taskDeploys: TaskDeploys, data: DeployJobData): Promise<TaskDeployEntry | undefined> {
  if (!data.source) return undefined;
  const current = await taskDeploys.current(groupKey(data.target));
  return current && current.jobId !== data.jobId && current.runCreatedAt >= data.source.runCreatedAt ? current : undefined;
}

/** The deps of `queueTaskDeploy` when the worker gave them all (unit tests of the build job may not). */
export function taskDeployDepsOf(deps: Partial<TaskDeployDeps>): TaskDeployDeps | undefined {
  const { jobs, history, taskDeploys, approvals, audit, reporter, environments, portal } = deps;
  if (!jobs || !history || !taskDeploys || !approvals || !audit || !reporter || !environments || portal === undefined) return undefined;
  return { jobs, history, taskDeploys, approvals, audit, reporter, environments, portal };
}

/**
 * Ends a task-run deploy that a newer run's deploy superseded while it waited (for approval or
 * the group's lock), before it changed anything in Azure: its approval request is closed (as
 * rejected by the bot, so a late click finds it decided) and its card says what replaced it.
 * Returns whether it did.
 */
export async function stepAsideIfSuperseded(
  deps: TaskDeployDeps & { locks?: { release(target: DeployJobData['target'], jobId: string): Promise<void> } },
  data: DeployJobData,
  save: (data: DeployJobData) => Promise<void>,
  now: Date,
): Promise<boolean> {
  const phase = data.progress.phase;
  if (phase !== 'new' && phase !== 'awaiting-approval' && phase !== 'ready') return false;
  const newer = await supersededBy(deps.taskDeploys, data);
  if (!newer) return false;
  const reason = `superseded by run ${newer.runId}${newer.commitId ? ` (commit ${newer.commitId})` : ''}`;
  let approval = data.approval ? await deps.approvals.get(data.jobId) : undefined;
  if (approval?.status === 'pending') {
    const decided = await deps.approvals.reject(data.jobId, 'system', reason, now);
    if ('state' in decided) approval = decided.state;
  }
  const approvers = deps.environments[data.environment]?.approval?.approvers ?? [];
  await deps.reporter.updateCard(
    deployCard(data, {
      status: 'canceled',
      detail: md`Not deployed: ${reason}, which job ${newer.jobId} deploys instead.`,
      portal: deps.portal,
      approvers,
      ...(approval && { approval }),
      finishedAt: now.toISOString(),
    }),
  );
  await save({ ...data, progress: { ...data.progress, phase: 'done', outcome: 'superseded' } });
  if (data.progress.plan) await deps.locks?.release(data.progress.plan.target, data.jobId);
  await deps.audit
    .record({
      actor: 'system',
      action: 'deploy.superseded',
      outcome: 'info',
      environment: data.environment,
      target: data.target.name,
      jobId: data.jobId,
      reason,
      details: { by: newer.jobId },
    })
    .catch(() => undefined);
  return true;
}
