import type { AcrBuilds, LogReader } from '../src/core/build/acr-builds.ts';
import { acrQueryAction, acrQueryCard, acrQueryTitle, type AcrQueryJobData } from '../src/core/build/acr-query.ts';
import { verdictOfRun } from '../src/core/build/run-status.ts';
import type { TaskView } from '../src/core/build/task.ts';
import { describeAzureError } from '../src/core/azure-errors.ts';
import type { CardField, JobReporter } from '../src/core/card.ts';
import type { RegistryTokens } from '../src/core/credentials/ports.ts';
import type { RegistryTags } from '../src/core/deploy/ports.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import { md } from '../src/core/mrkdwn.ts';
import { counted, failedAnswer, type PrivateAnswers, type QueryAnswer } from '../src/core/query-answer.ts';
import { portalResourceUrl, registryResourceId } from '../src/core/registry-ref.ts';
import type { AcrTasks, RegistryAdmin } from '../src/core/registry/ports.ts';
import { retryIfItMayPass } from './job-failures.ts';

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

const maxLogBytes = 5 * 1024 * 1024;
function triggers(t: TaskView): string {
  const on = [t.commitTrigger?.enabled ? `commit${t.commitTrigger.branch ? ` (${t.commitTrigger.branch})` : ''}` : '', t.baseImageTrigger?.enabled ? 'base image' : ''].filter(Boolean);
  return on.join(', ') || 'manual only';
}

const when = (d?: Date | string) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') : '–');

/**
 * The `acr-query` job: `/acr runs`, `/acr logs`, `/acr repository list|show-tags`, `/acr show`,
 * `/acr replication list`, `/acr token list`, `/acr task list|show` answer the requester
 * privately; `/acr cancel` changes Azure, so it reports on a card in the channel.
 */
export function createAcrQueryJob(deps: AcrQueryJobDeps): JobHandler<AcrQueryJobData> {
  const now = deps.now ?? (() => new Date());
  const days = (iso: string) => Math.floor((Date.parse(iso) - now().getTime()) / 86_400_000);

  async function answer(data: AcrQueryJobData): Promise<QueryAnswer> {
    const { target } = data;
    const registry = { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, name: target.registry };
    const base = { title: acrQueryTitle(data), environment: data.environment, links: [{ label: 'Registry in Azure portal', url: portalResourceUrl(deps.portal, registryResourceId(target)) }] };
    const table = (name: string, lines: string[]) => ({ filename: `${name}.txt`, title: base.title, content: lines.join('\n') });
    switch (data.op) {
      case 'runs': {
        const runs = await deps.acr.listRuns(target, { top: data.top ?? 10, ...(data.status && { status: data.status }) });
        if (runs.length === 0) return { ...base, summary: md`No runs${data.status ? ` with status ${data.status}` : ''} in ${target.registry}.` };
        return {
          ...base,
          summary: runs.length === 1 ? md`The most recent run:` : md`The ${runs.length} most recent runs:`,
          text: table(`runs-${target.registry}`, [
            'RUN    STATUS     TYPE         TRIGGER   CREATED (UTC)     IMAGE',
            ...runs.map((r) => `${r.runId.padEnd(6)} ${r.status.padEnd(10)} ${(r.taskName ?? r.runType ?? 'QuickBuild').padEnd(12)} ${(r.trigger ?? '–').padEnd(9)} ${when(r.createTime)}  ${r.outputImages.map((i) => `${i.repository ?? ''}${i.tag ? `:${i.tag}` : ''}`).join(', ')}`),
          ]),
        };
      }
      case 'logs': {
        const run = await deps.acr.getRun(target, data.runId!);
        const { text, truncatedBytes } = await deps.logs.readAll(await deps.acr.getLogLink(target, data.runId!), maxLogBytes);
        if (!text) return { ...base, summary: md`Run ${data.runId} is ${run.status}; it wrote no log.` };
        return {
          ...base,
          summary: md`Run ${data.runId} is ${run.status}.${truncatedBytes ? ` Its log is long: the first ${truncatedBytes} bytes are left out.` : ''}`,
          text: { filename: `run-${data.runId}.log`, title: `Log of run ${data.runId}`, content: text, keep: 'tail' },
        };
      }
      case 'repositories': {
        const names = await deps.registryTags.listRepositories(registry);
        if (names.length === 0) return { ...base, summary: md`${target.registry} has no repositories yet.` };
        return { ...base, summary: md`${counted(names.length, 'repository', 'repositories')}:`, text: table(`repositories-${target.registry}`, names) };
      }
      case 'tags': {
        const tags = await deps.registryTags.listTags(registry, data.repository!, { top: data.top ?? 20, orderby: data.orderby ?? 'time_desc' });
        if (tags.length === 0) return { ...base, summary: md`${data.repository} has no tags.` };
        return {
          ...base,
          summary: md`${counted(tags.length, 'tag')}, ${data.orderby === 'time_asc' ? 'oldest' : 'newest'} first:`,
          text: table(`tags-${data.repository!.replace(/\//g, '_')}`, ['TAG                  CREATED (UTC)     DIGEST', ...tags.map((t) => `${t.name.padEnd(20)} ${when(t.createdOn)}  ${t.digest}`)]),
        };
      }
      case 'show': {
        const [r, replicas] = await Promise.all([deps.registryAdmin.get(target), deps.registryAdmin.listReplications(target)]);
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
        return { ...base, summary: md`${r.name} is a ${r.sku} registry in ${r.location}${r.provisioningState && r.provisioningState !== 'Succeeded' ? ` (${r.provisioningState})` : ''}.`, fields };
      }
      case 'replications': {
        const replicas = await deps.registryAdmin.listReplications(target);
        return {
          ...base,
          summary: md`${target.registry} is in ${counted(replicas.length, 'location')}:`,
          text: table(`replications-${target.registry}`, [
            'LOCATION             PROVISIONING  STATUS     ZONE REDUNDANCY',
            ...replicas.map((x) => `${x.location.padEnd(20)} ${(x.provisioningState ?? '–').padEnd(13)} ${(x.status ?? '–').padEnd(10)} ${x.zoneRedundancy ?? '–'}`),
          ]),
        };
      }
      case 'tokens': {
        const tokens = await deps.registryTokens.list(registry);
        if (tokens.length === 0) return { ...base, summary: md`${target.registry} has no repository-scoped tokens. \`/acr token create\` makes one.` };
        const slot = (t: (typeof tokens)[number], name: string) => {
          const p = t.passwords.find((x) => x.name === name);
          if (!p) return '–';
          if (!p.expiry) return 'never expires';
          const left = days(p.expiry);
          return left < 0 ? `EXPIRED ${p.expiry.slice(0, 10)}` : `${p.expiry.slice(0, 10)} (${left}d)`;
        };
        const soon = tokens.filter((t) => t.passwords.some((p) => p.expiry && days(p.expiry) < 30)).length;
        return {
          ...base,
          summary: md`${counted(tokens.length, 'token')}${soon ? `, ${soon} with a password expiring within 30 days` : ''} (when passwords expire, never their values):`,
          text: table(`tokens-${target.registry}`, [
            'TOKEN                STATUS    PASSWORD1               PASSWORD2',
            ...tokens.map((t) => `${t.name.padEnd(20)} ${(t.status ?? '–').padEnd(9)} ${slot(t, 'password1').padEnd(23)} ${slot(t, 'password2')}`),
          ]),
        };
      }
      case 'tasks': {
        const tasks = await deps.acrTasks.list(target);
        if (tasks.length === 0) return { ...base, summary: md`${target.registry} has no tasks. \`/acr task create\` makes one.` };
        return {
          ...base,
          summary: md`${counted(tasks.length, 'task')}:`,
          text: table(`tasks-${target.registry}`, ['TASK                 STATUS    TRIGGERS            CONTEXT', ...tasks.map((t) => `${t.name.padEnd(20)} ${(t.status ?? '–').padEnd(9)} ${triggers(t).padEnd(19)} ${t.contextPath ?? '–'}`)]),
        };
      }
      case 'task': {
        const task = await deps.acrTasks.get(target, data.taskName!);
        if (!task) return { ...base, summary: md`There is no task ${data.taskName} in ${target.registry}; \`/acr task list\` shows its tasks.` };
        const fields: CardField[] = [
          { label: 'Status', value: task.status ?? 'unknown' },
          { label: 'Context', value: task.contextPath ?? '–', code: true },
          { label: 'Dockerfile', value: task.file ?? '–', code: true },
          { label: 'Image', value: task.images.join('\n') || '–', code: true },
          { label: 'Triggers', value: triggers(task) },
        ];
        if (task.platform) fields.push({ label: 'Platform', value: task.platform });
        if (task.createdAt) fields.push({ label: 'Created', value: when(task.createdAt) });
        return { ...base, summary: md`\`/acr task run --name ${task.name}\` runs it now.`, fields };
      }
      case 'declared':
        return declaredAnswer(data, base);
      case 'cancel':
        throw new TypeError('cancel is not a query');
    }
  }

  /** The lookups their command specs declare (`CommandSpec.query`), by `query`. */
  async function declaredAnswer(data: AcrQueryJobData, base: Omit<QueryAnswer, 'summary'>): Promise<QueryAnswer> {
    const { query } = data.declared!;
    switch (query) {
      case 'replication': {
        const location = String(data.declared!.params.location);
        const replica = await deps.registryAdmin.getReplication(data.target, location);
        if (!replica) return { ...base, summary: md`${data.target.registry} has no replication named ${location}; \`/acr replication list\` shows where it is.` };
        const fields: CardField[] = [
          { label: 'Location', value: replica.location },
          { label: 'Provisioning', value: replica.provisioningState ?? '–' },
          { label: 'Status', value: replica.status ?? '–' },
          { label: 'Zone redundancy', value: replica.zoneRedundancy ?? 'Disabled' },
        ];
        return { ...base, summary: md`Replication ${replica.name} of ${data.target.registry} is ${replica.status ?? replica.provisioningState ?? 'in an unknown state'}.`, fields };
      }
      default:
        throw new TypeError(`no acr-query answers ${query}`);
    }
  }

  /** `/acr cancel`: changes Azure, so its outcome goes on the public card. */
  async function cancel(ctx: JobContext<AcrQueryJobData>, data: AcrQueryJobData): Promise<void> {
    try {
      const run = await deps.acr.getRun(data.target, data.runId!);
      const verdict = verdictOfRun(run.status);
      // The command also flags the bot's build that follows the run, which may cancel it first: the request was carried out either way.
      const detail = verdict === undefined || verdict === 'canceled' ? md`Run ${data.runId} was canceled.` : md`Run ${data.runId} has already finished (${run.status}); nothing to cancel.`;
      if (verdict === undefined) await deps.acr.cancelRun(data.target, data.runId!);
      await deps.reporter.updateCard(acrQueryCard(data, 'succeeded', deps.portal, detail, now().toISOString()));
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      const described = describeAzureError(err);
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await deps.reporter.updateCard(acrQueryCard(data, 'failed', deps.portal, md`${described.text}`, now().toISOString()));
    }
    await ctx.save({ ...data, phase: 'done' });
  }

  return async function runAcrQuery(ctx) {
    const data = ctx.data;
    if (data.phase === 'done') return;
    if (data.op === 'cancel') return cancel(ctx, data);
    let result: QueryAnswer;
    try {
      result = await answer(data);
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      result = failedAnswer(acrQueryTitle(data), data.environment, describeAzureError(err));
    }
    // A delivery that fails (Slack down) fails the attempt: the retry asks Azure again, which only reads.
    await deps.answers.deliver(data.jobId, { userId: data.requesterId, teamId: data.teamId, channelId: data.channelId, ...(data.responseUrl && { responseUrl: data.responseUrl }), action: acrQueryAction(data) }, result);
    await ctx.save({ ...data, phase: 'done' });
  };
}
