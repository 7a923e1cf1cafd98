import type { CardField, JobCard, JobStatus } from '../card.ts';
import type { Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl, registryResourceId } from '../registry-ref.ts';
import type { RunImage, RunInfo } from './acr-builds.ts';
import type { BuildJobData } from './build-job.ts';
import { commitOf, describeTrigger } from './run-trigger.ts';

export interface BuildCardState {
  status: JobStatus;
  detail?: Mrkdwn;
  /** What the run pushed, once it is known. */
  images?: RunImage[];
  startedAt?: string;
  finishedAt?: string;
  /** The portal's base URL (per cloud). */
  portal: string;
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** The card of a build job in a given state; pure so every state is easy to test. */
export function buildCard(data: BuildJobData, state: BuildCardState): JobCard {
  const { target, spec, task } = data;
  const fields: CardField[] = [{ label: 'Registry', value: target.registry, code: true }];
  if (spec) {
    fields.push(
      { label: 'Source', value: spec.sourceLocation, code: true },
      { label: 'Dockerfile', value: spec.file, code: true },
      { label: 'Platform', value: [spec.platform.os.toLowerCase(), spec.platform.architecture, spec.platform.variant].filter(Boolean).join('/') },
    );
  }
  if (task) fields.push({ label: 'Task', value: task.name, code: true });
  if (data.trigger) fields.push({ label: 'Triggered by', value: describeTrigger(data.trigger) });
  if (data.deployTo) fields.push({ label: 'Then', value: `deploy to ${data.deployTo.group} in ${data.environment} if it succeeds` });
  if (data.privateSource) fields.push({ label: 'Git token', value: `Key Vault secret ${data.privateSource.tokenSecret}` });
  const runId = data.progress.runId;
  if (runId) fields.push({ label: 'Run', value: runId, code: true });
  if (state.startedAt && state.finishedAt) {
    fields.push({ label: 'Duration', value: formatDuration(Date.parse(state.finishedAt) - Date.parse(state.startedAt)) });
  }
  const pushed = (state.images ?? [])
    .filter((i) => i.repository)
    .map((i) => `${i.registry ? `${i.registry}/` : ''}${i.repository}${i.tag ? `:${i.tag}` : ''}${i.digest ? `@${i.digest}` : ''}`);
  if (pushed.length > 0) fields.push({ label: pushed.length === 1 ? 'Pushed image' : 'Pushed images', value: pushed.join('\n'), code: true });

  const links = runId ? [{ label: 'Run in Azure portal', url: `${portalResourceUrl(state.portal, registryResourceId(target))}/runs` }] : [];
  const cancellable = state.status === 'queued' || state.status === 'running';
  return {
    jobId: data.jobId,
    title: spec ? `Build ${spec.images.join(', ')}` : data.trigger ? triggeredTitle(task?.name ?? '?', data) : `Run task ${task?.name ?? '?'}`,
    requesterId: data.requesterId,
    environment: data.environment,
    status: state.status,
    ...(state.detail !== undefined && { detail: state.detail }),
    fields,
    links,
    actions: cancellable ? ['cancel'] : [],
    queuedAt: data.queuedAt,
    ...(state.startedAt !== undefined && { startedAt: state.startedAt }),
    ...(state.finishedAt !== undefined && { finishedAt: state.finishedAt }),
  };
}

/** "Task buildwebapp: commit 3f2a9c1e", "Task buildwebapp: base image update", … */
function triggeredTitle(task: string, data: BuildJobData): string {
  const t = data.trigger!;
  const commit = commitOf(t);
  const what =
    t.kind === 'commit'
      ? commit
        ? `commit ${commit}`
        : 'commit'
      : t.kind === 'base-image'
        ? 'base image update'
        : t.kind === 'timer'
          ? 'timer'
          : 'manual run';
  return `Task ${task}: ${what}`;
}

/**
 * A run that could not clone its git source. ACR's own line is "failed to download context"
 * (reported in Azure/azure-cli#25765 for a private repository); git's words are kept for
 * agents and logs that pass them on.
 */
const SOURCE_NOT_FETCHED = /failed to download context|could not read username|repository not found|authentication failed|could not read from remote/i;

/**
 * The last lines of a failed log that most likely say why, for a plain-words summary.
 * `gitTokenSecret`: the Key Vault secret the build handed to ACR as its git token, if any.
 */
export function explainFailure(logTail: string, run?: RunInfo, gitTokenSecret?: string): { text: string; hint: string } {
  if (SOURCE_NOT_FETCHED.test(logTail)) {
    return {
      text: 'Build failed: ACR could not download the source from the git repository.',
      hint:
        gitTokenSecret === undefined
          ? 'If the repository is private, ACR needs a token to clone it: run the same /acr build with --git-access-token @kv:SECRET-NAME, naming a Key Vault secret this environment lists under gitAccessTokens for the repository’s host. Otherwise check the URL and the branch after #.'
          : `Check that the git token ${gitTokenSecret} can read this repository and has not expired (renew it in Key Vault), and check the URL and the branch after #.`,
    };
  }
  const lines = logTail
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  // The log's own words beat ACR's summary ("failed during run, err: exit status 1").
  const telling =
    lines.find((l) => /returned a non-zero code|failed to solve|executor failed running/i.test(l)) ??
    lines.filter((l) => /error|not found|denied|unauthorized/i.test(l) && !/^Run ID:/.test(l)).at(-1);
  const reason = telling ?? run?.errorMessage ?? (run ? `ACR reported the run as ${run.status}.` : 'the log does not say why.');
  let hint = 'The full log is attached above. Fix the cause and run the same `/acr build` again.';
  if (/denied|unauthorized|authentication required/i.test(logTail)) {
    hint = 'The build could not pull or push an image: check the base image name and that the registry allows this build to push.';
  } else if (/no such file or directory|failed to read dockerfile|cannot locate specified dockerfile/i.test(logTail)) {
    hint = 'ACR could not find a file: check `-f/--file` and the `#ref:subfolder` part of the source URL.';
  } else if (/returned a non-zero code/i.test(logTail)) {
    hint = 'A step in your Dockerfile failed; the attached log shows its output just before the error.';
  }
  return { text: `Build failed: ${reason}`, hint };
}
