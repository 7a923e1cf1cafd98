import type { AcrBuilds, LogLink, LogReader, RunClaims, RunImage } from '../src/core/build/acr-builds.ts';
import { buildCard } from '../src/core/build/build-card.ts';
import type { BuildJobData } from '../src/core/build/build-job.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import type { CancelRequests } from '../src/core/job-queue.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { portalResourceUrl, registryResourceId } from '../src/core/registry-ref.ts';
import type { PrivateBuildDeps } from './private-build.ts';
import type { TaskDeployDeps } from './task-deploy.ts';
import { nowOf } from './step-runner.ts';

export interface BuildJobDeps extends PrivateBuildDeps, Partial<Omit<TaskDeployDeps, 'reporter' | 'portal' | 'environments'>> {
  acr: AcrBuilds;
  logs: LogReader;
  reporter: JobReporter;
  cancels: CancelRequests;
  claims: RunClaims;
  /** Azure portal base URL for links. */
  portal: string;
  /** Base delay between looks at a running build (`CHATOPS_POLL_INTERVAL_MS`). */
  pollIntervalMs: number;
  now?: () => Date;
}

/** What the build's steps get: its deps and the log links of the runs it follows. */
export interface BuildStepDeps extends BuildJobDeps {
  links: LogLinks;
}

/** A log link is a SAS capability: cached in memory only, never persisted, refreshed after this. */
const logLinkTtlMs = 30 * 60_000;

/** The log links of the runs one worker follows, fetched once per run and half hour. */
export class LogLinks {
  readonly #links = new Map<string, { link: LogLink; at: number }>();

  async get(deps: BuildJobDeps, data: BuildJobData, runId: string, refresh = false): Promise<LogLink> {
    const now = nowOf(deps).getTime();
    const cached = this.#links.get(runId);
    if (cached && !refresh && now - cached.at < logLinkTtlMs) return cached.link;
    const link = await deps.acr.getLogLink(data.target, runId);
    this.#links.set(runId, { link, at: nowOf(deps).getTime() });
    // Bounded: a worker follows hundreds of builds, not millions.
    if (this.#links.size > 5000) this.#links.delete(this.#links.keys().next().value!);
    return link;
  }
}

export function showBuildCard(
  deps: BuildJobDeps,
  data: BuildJobData,
  status: JobStatus,
  extra: { detail?: Mrkdwn; images?: RunImage[]; startedAt?: string; finishedAt?: string } = {},
): Promise<void> {
  return deps.reporter.updateCard(buildCard(data, { status, portal: deps.portal, ...extra }));
}

/** Where the whole log of a run is, for a thread that shows only part of it. */
export function fullLog(deps: BuildJobDeps, data: BuildJobData, runId: string): Mrkdwn {
  const portal: Mrkdwn = { mrkdwn: `<${portalResourceUrl(deps.portal, registryResourceId(data.target))}/runs|the run in the Azure portal>` };
  return md`\`/acr logs ${runId} --env ${data.environment}\` or ${portal}`;
}
