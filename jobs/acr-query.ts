import type { AcrBuilds, LogReader } from '../src/core/build/acr-builds.ts';
import { acrQueryCard, type AcrQueryJobData } from '../src/core/build/acr-query.ts';
import { describeAzureError } from '../src/core/azure-errors.ts';
import type { JobReporter } from '../src/core/card.ts';
import type { RegistryTokens } from '../src/core/credentials/ports.ts';
import type { RegistryTags } from '../src/core/deploy/ports.ts';
import type { CardField } from '../src/core/card.ts';
import type { TaskView } from '../src/core/build/task.ts';
import type { AcrTasks, RegistryAdmin } from '../src/core/registry/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { portalResourceUrl, registryResourceId } from '../src/core/registry-ref.ts';
import { retryIfItMayPass } from './job-failures.ts';

export interface AcrQueryJobDeps {
  acr: AcrBuilds;
  logs: LogReader;
  registryTags: RegistryTags;
  registryAdmin: RegistryAdmin;
  acrTasks: AcrTasks;
  registryTokens: RegistryTokens;
  reporter: JobReporter;
  portal: string;
  now?: () => Date;
}

/** Lists longer than this go to the thread as a file. */
const maxInlineChars = 3500;
const maxLogBytes = 5 * 1024 * 1024;

function triggers(t: TaskView): string {
  const on = [t.commitTrigger?.enabled ? `commit${t.commitTrigger.branch ? ` (${t.commitTrigger.branch})` : ''}` : '', t.baseImageTrigger?.enabled ? 'base image' : ''].filter(Boolean);
  return on.join(', ') || 'manual only';
}

const when = (d?: Date | string) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') : '–');

/**
 * The `acr-query` job: `/acr runs`, `/acr logs`, `/acr cancel`, `/acr repository list|show-tags`,
 * `/acr show`, `/acr replication list`, `/acr token list`, `/acr task list|show`.
 * Answers go into the card's thread, as text or (when long) as a file.
 */
export function createAcrQueryJob(deps: AcrQueryJobDeps): JobHandler<AcrQueryJobData> {
  const now = deps.now ?? (() => new Date());

  async function table(data: AcrQueryJobData, name: string, lines: string[]): Promise<void> {
    const text = lines.join('\n');
    if (text.length <= maxInlineChars) await deps.reporter.post(data.jobId, { kind: 'log', text });
    else await deps.reporter.post(data.jobId, { kind: 'file', filename: `${name}.txt`, title: name, content: text });
  }

  const days = (iso: string) => Math.floor((Date.parse(iso) - now().getTime()) / 86_400_000);

  async function answer(data: AcrQueryJobData): Promise<Mrkdwn | { detail: Mrkdwn; fields: CardField[] }> {
    const { target } = data;
    const registry = { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, name: target.registry };
    switch (data.op) {
      case 'runs': {
        const runs = await deps.acr.listRuns(target, { top: data.top ?? 10, ...(data.status && { status: data.status }) });
        if (runs.length === 0) return md`No runs${data.status ? ` with status ${data.status}` : ''} in ${target.registry}.`;
        await table(data, `runs-${target.registry}`, [
          'RUN    STATUS     TYPE         TRIGGER   CREATED (UTC)     IMAGE',
          ...runs.map((r) => `${r.runId.padEnd(6)} ${r.status.padEnd(10)} ${(r.taskName ?? r.runType ?? 'QuickBuild').padEnd(12)} ${(r.trigger ?? '–').padEnd(9)} ${when(r.createTime)}  ${r.outputImages.map((i) => `${i.repository ?? ''}${i.tag ? `:${i.tag}` : ''}`).join(', ')}`),
        ]);
        return md`${runs.length} most recent run${runs.length === 1 ? '' : 's'} of ${target.registry} are in the thread.`;
      }
      case 'logs': {
        const run = await deps.acr.getRun(target, data.runId!);
        const { text, truncatedBytes } = await deps.logs.readAll(await deps.acr.getLogUrl(target, data.runId!), maxLogBytes);
        const portal: Mrkdwn = { mrkdwn: `<${portalResourceUrl(deps.portal, registryResourceId(target))}/runs|the run in the Azure portal>` };
        await deps.reporter.post(data.jobId, { kind: 'file', filename: `run-${data.runId}.log`, title: `Log of run ${data.runId}${truncatedBytes ? ' (first part cut)' : ''}`, content: text || '(the run wrote no log)', fullLog: portal });
        return md`Run ${data.runId} is ${run.status}; its log is attached in the thread.`;
      }
      case 'cancel': {
        const run = await deps.acr.getRun(target, data.runId!);
        if (['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'].includes(run.status)) return md`Run ${data.runId} has already finished (${run.status}); nothing to cancel.`;
        await deps.acr.cancelRun(target, data.runId!);
        return md`Run ${data.runId} was canceled.`;
      }
      case 'repositories': {
        const names = await deps.registryTags.listRepositories(registry);
        if (names.length === 0) return md`${target.registry} has no repositories yet.`;
        await table(data, `repositories-${target.registry}`, names);
        return md`${names.length} repositor${names.length === 1 ? 'y' : 'ies'} in ${target.registry}; the list is in the thread.`;
      }
      case 'tags': {
        const tags = await deps.registryTags.listTags(registry, data.repository!, { top: data.top ?? 20, orderby: data.orderby ?? 'time_desc' });
        if (tags.length === 0) return md`${data.repository} has no tags.`;
        await table(data, `tags-${data.repository!.replace(/\//g, '_')}`, ['TAG                  CREATED (UTC)     DIGEST', ...tags.map((t) => `${t.name.padEnd(20)} ${when(t.createdOn)}  ${t.digest}`)]);
        return md`${tags.length} tag${tags.length === 1 ? '' : 's'} of ${data.repository}, newest first${data.orderby === 'time_asc' ? ' (oldest first as asked)' : ''}, are in the thread.`;
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
        return { detail: md`${r.name} is a ${r.sku} registry in ${r.location}${r.provisioningState && r.provisioningState !== 'Succeeded' ? ` (${r.provisioningState})` : ''}.`, fields };
      }
      case 'replications': {
        const replicas = await deps.registryAdmin.listReplications(target);
        await table(data, `replications-${target.registry}`, [
          'LOCATION             PROVISIONING  STATUS     ZONE REDUNDANCY',
          ...replicas.map((x) => `${x.location.padEnd(20)} ${(x.provisioningState ?? '–').padEnd(13)} ${(x.status ?? '–').padEnd(10)} ${x.zoneRedundancy ?? '–'}`),
        ]);
        return md`${target.registry} is in ${replicas.length} location${replicas.length === 1 ? '' : 's'}; the list is in the thread.`;
      }
      case 'tokens': {
        const tokens = await deps.registryTokens.list(registry);
        if (tokens.length === 0) return md`${target.registry} has no repository-scoped tokens. /acr token create makes one.`;
        const slot = (t: (typeof tokens)[number], name: string) => {
          const p = t.passwords.find((x) => x.name === name);
          if (!p) return '–';
          if (!p.expiry) return 'never expires';
          const left = days(p.expiry);
          return left < 0 ? `EXPIRED ${p.expiry.slice(0, 10)}` : `${p.expiry.slice(0, 10)} (${left}d)`;
        };
        await table(data, `tokens-${target.registry}`, [
          'TOKEN                STATUS    PASSWORD1               PASSWORD2',
          ...tokens.map((t) => `${t.name.padEnd(20)} ${(t.status ?? '–').padEnd(9)} ${slot(t, 'password1').padEnd(23)} ${slot(t, 'password2')}`),
        ]);
        const soon = tokens.filter((t) => t.passwords.some((p) => p.expiry && days(p.expiry) < 30)).length;
        return md`${tokens.length} token${tokens.length === 1 ? '' : 's'} in ${target.registry}${soon ? `, ${soon} with a password expiring within 30 days` : ''}; the list (password expiry, never values) is in the thread.`;
      }
      case 'tasks': {
        const tasks = await deps.acrTasks.list(target);
        if (tasks.length === 0) return md`${target.registry} has no tasks. /acr task create makes one.`;
        await table(data, `tasks-${target.registry}`, [
          'TASK                 STATUS    TRIGGERS            CONTEXT',
          ...tasks.map((t) => `${t.name.padEnd(20)} ${(t.status ?? '–').padEnd(9)} ${triggers(t).padEnd(19)} ${t.contextPath ?? '–'}`),
        ]);
        return md`${tasks.length} task${tasks.length === 1 ? '' : 's'} in ${target.registry}; the list is in the thread.`;
      }
      case 'task': {
        const task = await deps.acrTasks.get(target, data.taskName!);
        if (!task) return md`There is no task ${data.taskName} in ${target.registry}; /acr task list shows its tasks.`;
        const fields: CardField[] = [
          { label: 'Status', value: task.status ?? 'unknown' },
          { label: 'Context', value: task.contextPath ?? '–', code: true },
          { label: 'Dockerfile', value: task.file ?? '–', code: true },
          { label: 'Image', value: task.images.join('\n') || '–', code: true },
          { label: 'Triggers', value: triggers(task) },
        ];
        if (task.platform) fields.push({ label: 'Platform', value: task.platform });
        if (task.createdAt) fields.push({ label: 'Created', value: when(task.createdAt) });
        return { detail: md`Task ${task.name} in ${target.registry}. /acr task run --name ${task.name} runs it now.`, fields };
      }
    }
  }

  return async function runAcrQuery(ctx) {
    const data = ctx.data;
    if (data.phase === 'done') return;
    try {
      const result = await answer(data);
      const [detail, fields] = 'detail' in result ? [result.detail, result.fields] : [result, []];
      await deps.reporter.updateCard(acrQueryCard(data, 'succeeded', deps.portal, detail, now().toISOString(), fields));
      await ctx.save({ ...data, phase: 'done' });
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      const described = describeAzureError(err);
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await deps.reporter.updateCard(acrQueryCard(data, 'failed', deps.portal, md`${described.text}`, now().toISOString()));
      await ctx.save({ ...data, phase: 'done' });
    }
  };
}
