import type { AcrBuilds, LogReader } from '../src/core/build/acr-builds.ts';
import { acrQueryCard, type AcrQueryJobData } from '../src/core/build/acr-query.ts';
import { describeAzureError, isTransientAzureError, retryAfterOf } from '../src/core/azure-errors.ts';
import type { JobReporter } from '../src/core/card.ts';
import type { RegistryTags } from '../src/core/deploy/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { isDelayed } from './aci-shared.ts';

export interface AcrQueryJobDeps {
  acr: AcrBuilds;
  logs: LogReader;
  registryTags: RegistryTags;
  reporter: JobReporter;
  portal: string;
  now?: () => Date;
}

/** Lists longer than this go to the thread as a file. */
const maxInlineChars = 3500;
const maxLogBytes = 5 * 1024 * 1024;

const when = (d?: Date | string) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') : '–');

/**
 * The `acr-query` job: `/acr runs`, `/acr logs`, `/acr cancel`, `/acr repository list|show-tags`.
 * Answers go into the card's thread, as text or (when long) as a file.
 */
export function createAcrQueryJob(deps: AcrQueryJobDeps): JobHandler<AcrQueryJobData> {
  const now = deps.now ?? (() => new Date());

  async function table(data: AcrQueryJobData, name: string, lines: string[]): Promise<void> {
    const text = lines.join('\n');
    if (text.length <= maxInlineChars) await deps.reporter.post(data.jobId, { kind: 'log', text });
    else await deps.reporter.post(data.jobId, { kind: 'file', filename: `${name}.txt`, title: name, content: text });
  }

  async function answer(data: AcrQueryJobData): Promise<Mrkdwn> {
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
        await deps.reporter.post(data.jobId, { kind: 'file', filename: `run-${data.runId}.log`, title: `Log of run ${data.runId}${truncatedBytes ? ' (first part cut)' : ''}`, content: text || '(the run wrote no log)' });
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
    }
  }

  return async function runAcrQuery(ctx) {
    const data = ctx.data;
    if (data.phase === 'done') return;
    try {
      const detail = await answer(data);
      await deps.reporter.updateCard(acrQueryCard(data, 'succeeded', deps.portal, detail, now().toISOString()));
      await ctx.save({ ...data, phase: 'done' });
    } catch (err) {
      if (isDelayed(err)) throw err;
      const retryAfterMs = retryAfterOf(err);
      if (retryAfterMs !== undefined) return await ctx.wakeAfter(retryAfterMs);
      if (isTransientAzureError(err) && ctx.attemptsMade + 1 < ctx.maxAttempts) throw err;
      const described = describeAzureError(err);
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await deps.reporter.updateCard(acrQueryCard(data, 'failed', deps.portal, md`${described.text}`, now().toISOString()));
      await ctx.save({ ...data, phase: 'done' });
    }
  };
}
