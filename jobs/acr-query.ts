import type { AcrBuilds, LogReader } from '../src/core/build/acr-builds.ts';
import { acrQueryAction, acrQueryCard, acrQueryTitle, type AcrQueryJobData, type AcrQueryOp } from '../src/core/build/acr-query.ts';
import { verdictOfRun } from '../src/core/build/run-status.ts';
import type { TaskView } from '../src/core/build/task.ts';
import { describeFailure } from './job-failures.ts';
import type { CardField, JobReporter } from '../src/core/card.ts';
import type { RegistryToken, RegistryTokens } from '../src/core/credentials/ports.ts';
import type { RegistryTags } from '../src/core/deploy/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md } from '../src/core/mrkdwn.ts';
import { counted, type PrivateAnswers, type QueryAnswer } from '../src/core/query-answer.ts';
import { portalResourceUrl, registryResourceId } from '../src/core/registry-ref.ts';
import type { AcrTasks, RegistryAdmin } from '../src/core/registry/ports.ts';
import { nowOf, runSteps, type StepJob, type StepRun } from './step-runner.ts';
import { answerOrFailure, deliverPrivately } from './private-answer.ts';

export interface AcrQueryJobDeps {
  acr: AcrBuilds;
  logs: LogReader;
  registryTags: RegistryTags;
  registryAdmin: RegistryAdmin;
  acrTasks: AcrTasks;
  registryTokens: RegistryTokens;
  reporter: JobReporter;
  /** Where the read-only answers go: to the requester alone. */
  answers: PrivateAnswers;
  portal: string;
  now?: () => Date;
}

type Run = StepRun<AcrQueryJobData>;
/** What every answer starts from: its title, environment and the registry's portal link. */
type Base = Pick<QueryAnswer, 'title' | 'environment' | 'links'>;
type Answer = (deps: AcrQueryJobDeps, data: AcrQueryJobData, base: Base) => Promise<QueryAnswer>;

const maxLogBytes = 5 * 1024 * 1024;
const DAY_MS = 86_400_000;

function triggers(t: TaskView): string {
  const on = [
    t.commitTrigger?.enabled ? `commit${t.commitTrigger.branch ? ` (${t.commitTrigger.branch})` : ''}` : '',
    t.baseImageTrigger?.enabled ? 'base image' : '',
  ].filter(Boolean);
  return on.join(', ') || 'manual only';
}

const when = (d?: Date | string) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') : '–');
const table = (base: Base, name: string, lines: string[]) => ({ filename: `${name}.txt`, title: base.title, content: lines.join('\n') });
const registryOf = (data: AcrQueryJobData) => ({
  subscriptionId: data.target.subscriptionId,
  resourceGroup: data.target.resourceGroup,
  name: data.target.registry,
});

const runs: Answer = async (deps, data, base) => {
  const { target } = data;
  const found = await deps.acr.listRuns(target, { top: data.top ?? 10, ...(data.status && { status: data.status }) });
  if (found.length === 0) return { ...base, summary: md`No runs${data.status ? ` with status ${data.status}` : ''} in ${target.registry}.` };
  return {
    ...base,
    summary: found.length === 1 ? md`The most recent run:` : md`The ${found.length} most recent runs:`,
    text: table(base, `runs-${target.registry}`, [
      'RUN    STATUS     TYPE         TRIGGER   CREATED (UTC)     IMAGE',
      ...found.map(
        (r) =>
          `${r.runId.padEnd(6)} ${r.status.padEnd(10)} ${(r.taskName ?? r.runType ?? 'QuickBuild').padEnd(12)} ${(r.trigger ?? '–').padEnd(9)} ${when(r.createTime)}  ${r.outputImages.map((i) => `${i.repository ?? ''}${i.tag ? `:${i.tag}` : ''}`).join(', ')}`,
      ),
    ]),
  };
};

const logs: Answer = async (deps, data, base) => {
  const run = await deps.acr.getRun(data.target, data.runId!);
  const { text, truncatedBytes } = await deps.logs.readAll(await deps.acr.getLogLink(data.target, data.runId!), maxLogBytes);
  if (!text) return { ...base, summary: md`Run ${data.runId} is ${run.status}; it wrote no log.` };
  return {
    ...base,
    summary: md`Run ${data.runId} is ${run.status}.${truncatedBytes ? ` Its log is long: the first ${truncatedBytes} bytes are left out.` : ''}`,
    text: { filename: `run-${data.runId}.log`, title: `Log of run ${data.runId}`, content: text, keep: 'tail' },
  };
};

const repositories: Answer = async (deps, data, base) => {
  const names = await deps.registryTags.listRepositories(registryOf(data));
  if (names.length === 0) return { ...base, summary: md`${data.target.registry} has no repositories yet.` };
  return { ...base, summary: md`${counted(names.length, 'repository', 'repositories')}:`, text: table(base, `repositories-${data.target.registry}`, names) };
};

const tags: Answer = async (deps, data, base) => {
  const found = await deps.registryTags.listTags(registryOf(data), data.repository!, { top: data.top ?? 20, orderby: data.orderby ?? 'time_desc' });
  if (found.length === 0) return { ...base, summary: md`${data.repository} has no tags.` };
  return {
    ...base,
    summary: md`${counted(found.length, 'tag')}, ${data.orderby === 'time_asc' ? 'oldest' : 'newest'} first:`,
    text: table(base, `tags-${data.repository!.replace(/\//g, '_')}`, [
      'TAG                  CREATED (UTC)     DIGEST',
      ...found.map((t) => `${t.name.padEnd(20)} ${when(t.createdOn)}  ${t.digest}`),
    ]),
  };
};

const show: Answer = async (deps, data, base) => {
  const [r, replicas] = await Promise.all([deps.registryAdmin.get(data.target), deps.registryAdmin.listReplications(data.target)]);
  const fields: CardField[] = [
    { label: 'SKU', value: r.sku },
    { label: 'Login server', value: r.loginServer, code: true },
    { label: 'Location', value: r.location },
    { label: 'Admin user', value: r.adminUserEnabled ? 'enabled (one shared account; prefer tokens)' : 'disabled' },
    { label: 'Zone redundancy', value: r.zoneRedundancy ?? 'Disabled' },
    { label: 'Replications', value: replicas.map((x) => `${x.location} (${x.status ?? x.provisioningState ?? '?'})`).join(', ') || r.location },
  ];
  if (r.publicNetworkAccess) fields.push({ label: 'Public network access', value: r.publicNetworkAccess });
  if (r.createdAt) fields.push({ label: 'Created', value: when(r.createdAt) });
  return {
    ...base,
    summary: md`${r.name} is a ${r.sku} registry in ${r.location}${r.provisioningState && r.provisioningState !== 'Succeeded' ? ` (${r.provisioningState})` : ''}.`,
    fields,
  };
};

const replications: Answer = async (deps, data, base) => {
  const replicas = await deps.registryAdmin.listReplications(data.target);
  return {
    ...base,
    summary: md`${data.target.registry} is in ${counted(replicas.length, 'location')}:`,
    text: table(base, `replications-${data.target.registry}`, [
      'LOCATION             PROVISIONING  STATUS     ZONE REDUNDANCY',
      ...replicas.map((x) => `${x.location.padEnd(20)} ${(x.provisioningState ?? '–').padEnd(13)} ${(x.status ?? '–').padEnd(10)} ${x.zoneRedundancy ?? '–'}`),
    ]),
  };
};

const tokens: Answer = async (deps, data, base) => {
  const found = await deps.registryTokens.list(registryOf(data));
  if (found.length === 0) return { ...base, summary: md`${data.target.registry} has no repository-scoped tokens. \`/acr token create\` makes one.` };
  const days = (iso: string) => Math.floor((Date.parse(iso) - nowOf(deps).getTime()) / DAY_MS);
  const slot = (t: RegistryToken, name: string) => {
    const p = t.passwords.find((x) => x.name === name);
    if (!p) return '–';
    if (!p.expiry) return 'never expires';
    const left = days(p.expiry);
    return left < 0 ? `EXPIRED ${p.expiry.slice(0, 10)}` : `${p.expiry.slice(0, 10)} (${left}d)`;
  };
  const soon = found.filter((t) => t.passwords.some((p) => p.expiry && days(p.expiry) < 30)).length;
  return {
    ...base,
    summary: md`${counted(found.length, 'token')}${soon ? `, ${soon} with a password expiring within 30 days` : ''} (when passwords expire, never their values):`,
    text: table(base, `tokens-${data.target.registry}`, [
      'TOKEN                STATUS    PASSWORD1               PASSWORD2',
      ...found.map((t) => `${t.name.padEnd(20)} ${(t.status ?? '–').padEnd(9)} ${slot(t, 'password1').padEnd(23)} ${slot(t, 'password2')}`),
    ]),
  };
};

const tasks: Answer = async (deps, data, base) => {
  const found = await deps.acrTasks.list(data.target);
  if (found.length === 0) return { ...base, summary: md`${data.target.registry} has no tasks. \`/acr task create\` makes one.` };
  return {
    ...base,
    summary: md`${counted(found.length, 'task')}:`,
    text: table(base, `tasks-${data.target.registry}`, [
      'TASK                 STATUS    TRIGGERS            CONTEXT',
      ...found.map((t) => `${t.name.padEnd(20)} ${(t.status ?? '–').padEnd(9)} ${triggers(t).padEnd(19)} ${t.contextPath ?? '–'}`),
    ]),
  };
};

const task: Answer = async (deps, data, base) => {
  const found = await deps.acrTasks.get(data.target, data.taskName!);
  if (!found) return { ...base, summary: md`There is no task ${data.taskName} in ${data.target.registry}; \`/acr task list\` shows its tasks.` };
  const fields: CardField[] = [
    { label: 'Status', value: found.status ?? 'unknown' },
    { label: 'Context', value: found.contextPath ?? '–', code: true },
    { label: 'Dockerfile', value: found.file ?? '–', code: true },
    { label: 'Image', value: found.images.join('\n') || '–', code: true },
    { label: 'Triggers', value: triggers(found) },
  ];
  if (found.platform) fields.push({ label: 'Platform', value: found.platform });
  if (found.createdAt) fields.push({ label: 'Created', value: when(found.createdAt) });
  return { ...base, summary: md`\`/acr task run --name ${found.name}\` runs it now.`, fields };
};

const replication: Answer = async (deps, data, base) => {
  const location = String(data.declared!.params.location);
  const replica = await deps.registryAdmin.getReplication(data.target, location);
  if (!replica) return { ...base, summary: md`${data.target.registry} has no replication named ${location}; \`/acr replication list\` shows where it is.` };
  const fields: CardField[] = [
    { label: 'Location', value: replica.location },
    { label: 'Provisioning', value: replica.provisioningState ?? '–' },
    { label: 'Status', value: replica.status ?? '–' },
    { label: 'Zone redundancy', value: replica.zoneRedundancy ?? 'Disabled' },
  ];
  return {
    ...base,
    summary: md`Replication ${replica.name} of ${data.target.registry} is ${replica.status ?? replica.provisioningState ?? 'in an unknown state'}.`,
    fields,
  };
};

/** The lookups their command specs declare (`CommandSpec.query`), by the spec's `query.op`. */
export const declaredAnswers: Readonly<Record<string, Answer>> = { replication };

const declared: Answer = (deps, data, base) => {
  const { query } = data.declared!;
  // hasOwn: a query named `constructor` must not find Object.prototype's.
  if (!Object.hasOwn(declaredAnswers, query)) throw new TypeError(`no acr-query answers ${query}`);
  return declaredAnswers[query]!(deps, data, base);
};

/** The answer of each read-only op. */
export const answers: Record<Exclude<AcrQueryOp, 'cancel'>, Answer> = { runs, logs, repositories, tags, show, replications, tokens, tasks, task, declared };

/** What a read-only op found, for the requester alone. */
export function answer(deps: AcrQueryJobDeps, data: AcrQueryJobData): Promise<QueryAnswer> {
  if (data.op === 'cancel') throw new TypeError('cancel is not a query');
  const base = {
    title: acrQueryTitle(data),
    environment: data.environment,
    links: [{ label: 'Registry in Azure portal', url: portalResourceUrl(deps.portal, registryResourceId(data.target)) }],
  };
  return answers[data.op](deps, data, base);
}

/** Step of a read-only op: the answer (or what went wrong), to the requester alone. */
export async function answerQuery(deps: AcrQueryJobDeps, run: Run): Promise<AcrQueryJobData> {
  const { data } = run;
  const result = await answerOrFailure(run, () => answer(deps, data), { title: acrQueryTitle(data), environment: data.environment, explain: describeFailure });
  await deliverPrivately(deps.answers, data, acrQueryAction(data), result);
  return run.save({ ...data, phase: 'done' });
}

/** Step of `/acr cancel`: changes Azure, so its outcome goes on the public card. */
export async function cancelRun(deps: AcrQueryJobDeps, run: Run): Promise<AcrQueryJobData> {
  const { data } = run;
  const info = await deps.acr.getRun(data.target, data.runId!);
  const verdict = verdictOfRun(info.status);
  // The command also flags the bot's build that follows the run, which may cancel it first: the request was carried out either way.
  const detail =
    verdict === undefined || verdict === 'canceled'
      ? md`Run ${data.runId} was canceled.`
      : md`Run ${data.runId} has already finished (${info.status}); nothing to cancel.`;
  if (verdict === undefined) await deps.acr.cancelRun(data.target, data.runId!);
  await deps.reporter.updateCard(acrQueryCard(data, 'succeeded', deps.portal, detail, nowOf(deps).toISOString()));
  return run.save({ ...data, phase: 'done' });
}

/** A cancel that failed for good: said in the thread and on the card. A query's failure fails the attempt. */
export async function reportFailure(deps: AcrQueryJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  if (data.op !== 'cancel') throw err;
  const described = describeFailure(err);
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await deps.reporter.updateCard(acrQueryCard(data, 'failed', deps.portal, md`${described.text}`, nowOf(deps).toISOString()));
  await run.save({ ...data, phase: 'done' });
}

/**
 * The `acr-query` job: `/acr runs`, `/acr logs`, `/acr repository list|show-tags`, `/acr show`,
 * `/acr replication list`, `/acr token list`, `/acr task list|show` answer the requester
 * privately; `/acr cancel` changes Azure, so it reports on a card in the channel.
 */
export const acrQueryJob: StepJob<AcrQueryJobData, AcrQueryJobDeps, 'query' | 'cancel' | 'done'> = {
  phaseOf: (data) => (data.phase === 'done' ? 'done' : data.op === 'cancel' ? 'cancel' : 'query'),
  steps: { query: answerQuery, cancel: cancelRun },
  fail: reportFailure,
};

export function createAcrQueryJob(deps: AcrQueryJobDeps): JobHandler<AcrQueryJobData> {
  return runSteps(acrQueryJob, deps);
}
