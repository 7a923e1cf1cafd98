import type { EnvironmentConfig } from '../src/config/file.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { AzureOperationError } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { deployCard } from '../src/core/deploy/deploy-card.ts';
import type { DeployHistory, DeployJobData } from '../src/core/deploy/deploy-job.ts';
import { registryProblem } from '../src/core/deploy/deploy-policy.ts';
import type { ContainerGroups, RegistryResourceRef, RegistryTags } from '../src/core/deploy/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { jobIdFromTrigger } from '../src/core/job-id.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { promoteCard, promoteSubjectText } from '../src/core/promote/promote-card.ts';
import {
  groupIn,
  importRequestFor,
  isPinned,
  pinnedIn,
  registryResourceId,
  runningSince,
  type ImageImporter,
  type PromotedImage,
  type PromoteJobData,
  type PromotePhase,
  type PromoteProgress,
} from '../src/core/promote/promote-job.ts';
import { describeFailure, JobStop } from './job-failures.ts';
import { runSteps, type StepJob, type StepRun } from './step-runner.ts';

export interface PromoteJobDeps {
  aci: ContainerGroups;
  registryTags: RegistryTags;
  importer: ImageImporter;
  history: DeployHistory;
  jobs: JobQueue;
  /** The import happens only once its audit record is written. */
  audit: AuditLog;
  reporter: JobReporter;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

/** The id of the deploy job a group promotion starts: derived, so a resumed promotion finds it instead of starting another. */
export function promotionDeployJobId(data: Pick<PromoteJobData, 'teamId' | 'jobId'>): string {
  return jobIdFromTrigger(data.teamId, `${data.jobId}:deploy`);
}

function isMissing(err: unknown): boolean {
  return err instanceof AzureOperationError && err.statusCode === 404;
}

/** The steps of a promotion, one method each; `createPromoteJob` runs them in order of the saved phase. */
export class PromoteSteps {
  readonly deps: PromoteJobDeps;
  readonly now: () => Date;

  constructor(deps: PromoteJobDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
  }

  envOf(name: string): EnvironmentConfig {
    const env = this.deps.environments[name];
    if (!env) throw new JobStop(`Environment ${name} is no longer configured.`, 'Ask the platform admin; nothing was promoted.');
    return env;
  }

  registryOf(name: string, registry = this.envOf(name).registry): RegistryResourceRef {
    const env = this.envOf(name);
    if (!registry)
      throw new JobStop(
        `${name} has no registry configured, so there is nothing to promote from or into.`,
        'Ask the platform admin to set registry for this environment in chatops.yaml.',
      );
    return { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: registry };
  }

  async save(ctx: StepRun<PromoteJobData>, data: PromoteJobData, progress: Partial<PromoteProgress>): Promise<PromoteJobData> {
    const next = { ...data, progress: { ...data.progress, ...progress } };
    await ctx.keepLock?.();
    await ctx.save(next);
    return next;
  }

  card(data: PromoteJobData, status: JobStatus, detail?: Mrkdwn, finishedAt?: string): Promise<void> {
    const target = data.progress.targetLoginServer ? this.registryOf(data.environment) : undefined;
    return this.deps.reporter.updateCard(
      promoteCard(data, {
        status,
        portal: this.deps.portal,
        ...(detail && { detail }),
        ...(finishedAt && { finishedAt }),
        ...(target && { targetRegistry: target }),
      }),
    );
  }

  /** The registry of the source environment (its own, or one of its build registries) that `image` comes from, with its repository and digest. */
  async sourceOf(data: PromoteJobData, image: string): Promise<{ ref: RegistryResourceRef; loginServer: string; repository: string; digest: string }> {
    const env = this.envOf(data.from);
    for (const name of [env.registry, ...env.buildRegistries].filter((n): n is string => Boolean(n))) {
      const ref = this.registryOf(data.from, name);
      const loginServer = await this.deps.registryTags.loginServer(ref);
      const pinned = pinnedIn(image, loginServer);
      if (pinned) return { ref, loginServer, ...pinned };
    }
    throw new JobStop(
      `${image} is not an image of a registry of ${data.from}, so I cannot import it from there.`,
      `Promote images that ${data.from} built into its own registry${env.registry ? ` (${env.registry})` : ''}.`,
    );
  }

  /** The digest the source group runs, since when, and the tag it was deployed from. */
  async runningImage(data: PromoteJobData, name: string): Promise<Omit<PromotedImage, 'registryId' | 'registryName'> & { ref: RegistryResourceRef }> {
    const group = groupIn(this.envOf(data.from), name);
    const live = await this.deps.aci.find(group);
    if (!live)
      throw new JobStop(
        `There is no container group ${name} in ${data.from}, so nothing runs there to promote.`,
        `Check the name with /aci list --env ${data.from}.`,
      );
    const image = live.containers[0]?.image ?? '';
    if (!isPinned(image)) {
      throw new JobStop(
        `${name} in ${data.from} runs ${image || 'no image'}, not an image pinned by digest, so I cannot tell which digest is running.`,
        `Deploy it in ${data.from} with /aci create (which pins the digest), or promote a tag with /acr promote --image REPO:TAG.`,
      );
    }
    const found = await this.sourceOf(data, image);
    const history = await this.deps.history.list(group);
    const since = runningSince(history, found.digest);
    const tag = history.find((r) => r.digest === found.digest)?.request?.image.tag;
    return { ...found, ...(since && { since: since.at }), ...(tag !== undefined && { tag }) };
  }

  async taggedImage(
    data: PromoteJobData,
    repository: string,
    tag: string,
  ): Promise<Omit<PromotedImage, 'registryId' | 'registryName'> & { ref: RegistryResourceRef }> {
    const ref = this.registryOf(data.from);
    try {
      const { loginServer, digest } = await this.deps.registryTags.resolveDigest(ref, repository, tag);
      return { loginServer, repository, digest, tag, ref };
    } catch (err) {
      if (isMissing(err))
        throw new JobStop(
          `There is no ${repository}:${tag} in ${data.from}'s registry ${ref.name}.`,
          `See the tags with /acr repository show-tags ${repository} --env ${data.from}.`,
        );
      throw err;
    }
  }

  async findSource(ctx: StepRun<PromoteJobData>, data: PromoteJobData): Promise<PromoteJobData> {
    const target = this.registryOf(data.environment);
    const targetLoginServer = await this.deps.registryTags.loginServer(target);
    // The target's policy decides before anything is copied there.
    const problem = data.subject.kind === 'group' ? registryProblem(data.environment, this.envOf(data.environment), targetLoginServer) : undefined;
    if (problem) throw new JobStop(`${problem.text} Nothing was imported.`, problem.hint);
    const found =
      data.subject.kind === 'group'
        ? await this.runningImage(data, data.subject.name)
        : await this.taggedImage(data, data.subject.repository, data.subject.tag);
    const { ref, ...image } = found;
    const build = await this.deps.importer.findBuild?.(ref, image.repository, image.digest).catch((err: unknown) => {
      ctx.log.warn({ err }, 'could not look up the build of the promoted digest');
      return undefined;
    });
    const source: PromotedImage = {
      ...image,
      registryId: registryResourceId(ref),
      registryName: ref.name,
      ...(build && { runId: build.runId }),
      ...(build?.commit && { commit: build.commit }),
    };
    return this.save(ctx, data, { phase: 'importing', source, targetLoginServer });
  }

  /** The digest the target tag has now, if any. */
  async targetDigest(data: PromoteJobData, source: PromotedImage): Promise<string | undefined> {
    if (source.tag === undefined) return undefined;
    try {
      return (await this.deps.registryTags.resolveDigest(this.registryOf(data.environment), source.repository, source.tag)).digest;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  /** Imports the digest unless the target tag has it already; follows the operation durably. */
  async importImage(ctx: StepRun<PromoteJobData>, data: PromoteJobData): Promise<PromoteJobData> {
    const source = data.progress.source!;
    const target = this.registryOf(data.environment);
    if (!data.progress.resumeToken) {
      const there = await this.targetDigest(data, source);
      // After a restart, an import this job sent may have landed meanwhile: then it is done, not "already there".
      if (there === source.digest) return this.save(ctx, data, { phase: 'imported', ...(data.progress.startedAt === undefined && { alreadyThere: true }) });
      await this.deps.audit.record({
        actor: 'system',
        action: 'promote.import',
        outcome: 'accepted',
        environment: data.environment,
        target: `${target.name}/${source.repository}`,
        jobId: data.jobId,
        details: {
          from: data.from,
          source: source.registryId,
          digest: source.digest,
          requester: data.requesterId,
          ...(source.tag && { tag: source.tag }),
          ...(there && { movedFrom: there }),
        },
      });
      data = await this.save(ctx, data, { startedAt: data.progress.startedAt ?? this.now().toISOString(), ...(there && { movedFrom: there }) });
      await this.card(data, 'running', md`Importing ${source.repository}@${source.digest} into ${target.name}…`);
      // A retry from before the token was saved imports again: the same digest under the same tag, one image.
      const { resumeToken } = await this.deps.importer.beginImport(target, importRequestFor(source));
      data = await this.save(ctx, data, { resumeToken });
    }
    const { done } = await this.deps.importer.pollImport(data.progress.resumeToken!);
    if (!done) return ctx.wakeAfter(this.deps.pollIntervalMs);
    ctx.log.info({ registry: target.name, digest: source.digest }, 'image imported');
    return this.save(ctx, data, { phase: 'imported' });
  }

  /** The deploy job of a group promotion, with the target's rules (approval, policy, Key Vault, credentials). */
  deployJobFor(data: PromoteJobData, name: string): DeployJobData {
    const env = this.envOf(data.environment);
    const source = data.progress.source!;
    if (!data.request)
      throw new JobStop(
        `I know no deploy of ${name} to repeat in ${data.environment}.`,
        `Deploy it once with /aci create --env ${data.environment}, then promote again.`,
      );
    return {
      jobId: promotionDeployJobId(data),
      requesterId: data.requesterId,
      teamId: data.teamId,
      channelId: data.channelId,
      environment: data.environment,
      queuedAt: this.now().toISOString(),
      target: {
        subscriptionId: env.subscriptionId,
        resourceGroup: env.resourceGroup,
        location: env.location,
        name,
        ...(env.registry && { registry: env.registry }),
      },
      request: {
        ...data.request,
        name,
        image: {
          registry: data.progress.targetLoginServer!,
          repository: source.repository,
          digest: source.digest,
          text: `${source.repository}@${source.digest.slice(0, 19)}…`,
        },
      },
      ...(env.approval && { approval: { required: env.approval.required, expiresAfterMs: env.approval.expiresAfter } }),
      promotion: {
        from: data.from,
        repository: source.repository,
        digest: source.digest,
        promoteJobId: data.jobId,
        ...(source.since && { since: source.since }),
        ...(source.commit && { commit: source.commit }),
      },
      progress: { phase: 'new' },
    };
  }

  async finish(ctx: StepRun<PromoteJobData>, data: PromoteJobData): Promise<void> {
    const source = data.progress.source!;
    const target = this.registryOf(data.environment);
    const landed = data.progress.alreadyThere
      ? md`${target.name} already had ${source.repository}@${source.digest}${source.tag ? ` as ${source.tag}` : ''}: nothing to import.`
      : md`Imported ${source.repository}@${source.digest} into ${target.name}${source.tag ? ` as ${source.tag}` : ''}.`;
    if (data.subject.kind === 'group') {
      const name = data.subject.name;
      const deploy = this.deployJobFor(data, name);
      if (!data.progress.deployJobId) {
        // Already queued by a run that crashed before saving: its card is live, leave it be.
        if (!(await this.deps.jobs.get(deploy.jobId))) {
          await this.deps.reporter.openCard(deployCard(deploy, { status: 'queued', portal: this.deps.portal }), {
            channelId: data.channelId,
            teamId: data.teamId,
          });
          await this.deps.jobs.submit('deploy', deploy.jobId, deploy);
        }
        data = await this.save(ctx, data, { deployJobId: deploy.jobId });
      }
      const waits = deploy.approval ? ` It waits for ${data.environment}'s approvers on its card.` : '';
      await this.card(
        data,
        'succeeded',
        md`${landed} Deploying it to ${name} in ${data.environment} as job ${deploy.jobId}.${waits}`,
        this.now().toISOString(),
      );
    } else {
      await this.card(data, 'succeeded', landed, this.now().toISOString());
    }
    await this.save(ctx, data, { phase: 'done', outcome: 'succeeded' });
    ctx.log.info({ promoted: promoteSubjectText(data), from: data.from, to: data.environment }, 'promotion finished');
  }

  async fail(ctx: StepRun<PromoteJobData>, data: PromoteJobData, text: string, hint: string, outcome: 'failed' | 'refused'): Promise<void> {
    await ctx.keepLock?.();
    await this.deps.reporter.post(data.jobId, { kind: 'error', text, hint });
    await this.card(data, 'failed', md`${text}`, this.now().toISOString());
    await ctx.save({ ...data, progress: { ...data.progress, phase: 'done', outcome } });
  }
}

/**
 * The `promote` job: find the digest (running in the source group, or behind the source tag) →
 * import it into the target registry by digest (skipped when the target tag already has it) →
 * for a group, queue the normal deploy job in the target environment, whose card carries the
 * promotion. Each phase is saved before its side effect: a crash after the import never imports
 * again, and the deploy job's id derives from this job's, so it is queued once.
 */
const promoteJob: StepJob<PromoteJobData, PromoteSteps, PromotePhase> = {
  phaseOf: (data) => data.progress.phase,
  steps: {
    new: async (steps, run) => {
      await steps.card(run.data, 'queued', md`Finding the digest of ${promoteSubjectText(run.data)} in ${run.data.from}…`);
      return steps.findSource(run, run.data);
    },
    importing: (steps, run) => steps.importImage(run, run.data),
    imported: (steps, run) => steps.finish(run, run.data),
  },
  async fail(steps, run, err) {
    if (err instanceof JobStop) return steps.fail(run, run.data, err.message, err.hint, 'refused');
    run.log.warn({ err }, 'promotion failed');
    const described = describeFailure(err);
    await steps.fail(run, run.data, described.text, described.hint, 'failed');
  },
};

export function createPromoteJob(deps: PromoteJobDeps): JobHandler<PromoteJobData> {
  return runSteps(promoteJob, new PromoteSteps(deps));
}
