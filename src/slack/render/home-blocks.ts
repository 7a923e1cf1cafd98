import type { types } from '@slack/bolt';
import type { CardAction, JobCard } from '../../core/card.ts';
import { credentialLine } from '../../core/credentials/cards.ts';
import type { HomeApproval, HomeJob, HomeModel, Listed } from '../../core/home/home-model.ts';
import type { ThreadLocation } from '../../core/home/ports.ts';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import { actionButton, statusLabel } from './card-blocks.ts';
import { clipMrkdwn, homeViewBudget } from './message-budget.ts';

type KnownBlock = types.KnownBlock;

/** Lists are cut at a line, below a section's limit. */
const maxSectionText = homeViewBudget.sectionText - 100;

export interface HomeRenderOptions {
  /** The workspace's URL (auth.test `url`), for links to job threads; without it jobs are named by id. */
  workspaceUrl?: string;
}

/** The App Home of one person, as a `home` view for `views.publish`. */
export function renderHome(model: HomeModel, options: HomeRenderOptions = {}): types.HomeView {
  const link = (title: string, thread: ThreadLocation | undefined): string => {
    const text = escapeMrkdwn(title);
    if (!thread || !options.workspaceUrl) return `*${text}*`;
    return `*<${options.workspaceUrl.replace(/\/+$/, '')}/archives/${thread.channelId}/p${thread.ts.replace('.', '')}|${text}>*`;
  };
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'title', text: { type: 'plain_text', text: 'azure-chatops' } },
    context(
      'intro',
      `What is waiting for ${mention(model.userId).mrkdwn}, your jobs, and the last deploys where you have a role. \`/ops help\` lists your commands.`,
    ),
  ];
  if (model.notice)
    blocks.push({ type: 'section', block_id: 'notice', text: { type: 'mrkdwn', text: clipMrkdwn(model.notice.mrkdwn, homeViewBudget.sectionText) } });

  blocks.push(header('approvals', 'Waiting for your decision'));
  if (model.approvals.items.length === 0) blocks.push(context('approvals-none', 'Nothing is waiting for you.'));
  for (const item of model.approvals.items) blocks.push(...approvalBlocks(item, link));
  if (model.approvals.more > 0)
    blocks.push(context('approvals-more', `…and ${model.approvals.more} more, oldest expiring first; their cards are in the channels.`));

  blocks.push({ type: 'divider', block_id: 'jobs-divider' }, header('jobs', 'Your jobs'));
  const jobLine = (j: HomeJob) =>
    `${statusLabel[j.card.status]} · ${link(j.card.title, j.thread)} · ${escapeMrkdwn(j.card.environment)} · \`${j.card.jobId}\` · ${when(j.card.finishedAt ?? j.card.queuedAt)}`;
  if (model.running.items.length + model.recent.items.length === 0) blocks.push(context('jobs-none', 'You have no jobs from the last week.'));
  if (model.running.items.length > 0) blocks.push(section('jobs-running', '*Running*', model.running, jobLine));
  if (model.recent.items.length > 0) blocks.push(section('jobs-recent', '*Recent*', model.recent, jobLine));

  blocks.push({ type: 'divider', block_id: 'deploys-divider' }, header('deploys', 'Last deploys'));
  if (model.deploys.length === 0)
    blocks.push(context('deploys-none', 'You have no role in any environment yet: `/ops whoami` shows your roles and who grants them.'));
  for (const env of model.deploys) {
    if (env.groups.items.length === 0) {
      blocks.push(context(`deploys-${env.name}`, `*${escapeMrkdwn(env.name)}*: nothing deployed from Slack yet.`));
      continue;
    }
    blocks.push(
      section(`deploys-${env.name}`, `*${escapeMrkdwn(env.name)}*`, env.groups, (d) => {
        const tag = d.record.request?.image.tag;
        const by = d.record.requesterId && d.record.requesterId !== 'system' ? ` · by ${mention(d.record.requesterId).mrkdwn}` : '';
        return `• ${link(d.group, d.thread)} · \`${escapeMrkdwn(d.record.repository)}${tag ? `:${escapeMrkdwn(tag)}` : ''}@${d.record.digest.slice(0, 19)}…\`${by} · ${when(d.record.at)}`;
      }),
    );
  }

  if (model.credentials) {
    const c = model.credentials;
    blocks.push({ type: 'divider', block_id: 'credentials-divider' }, header('credentials', `Credentials expiring within ${c.withinDays} days`));
    if (!c.scannedAt) blocks.push(context('credentials-none', 'No scan has run yet: `/sp expiring` runs one now.'));
    else if (c.items.length === 0) blocks.push(context('credentials-none', `None, as of the scan at ${when(c.scannedAt)}.`));
    else {
      blocks.push(
        section('credentials-list', `As of the scan at ${when(c.scannedAt)}:`, { items: c.items, more: c.more }, (item) => credentialLine(item).mrkdwn),
      );
      blocks.push(context('credentials-hint', 'Rotate from the alert channel or with `/sp rotate --app …`; `/sp expiring` lists them all.'));
    }
  }
  return { type: 'home', callback_id: 'home', blocks: withinHomeBudget(blocks) };
}

function approvalBlocks(item: HomeApproval, link: (title: string, thread: ThreadLocation | undefined) => string): KnownBlock[] {
  const { card, approval } = item;
  const id = card.jobId;
  const what =
    approval.mode === 'confirm'
      ? 'needs your confirmation'
      : `asked by ${mention(approval.requesterId).mrkdwn} · ${approval.approvals.length} of ${approval.required} approval${approval.required === 1 ? '' : 's'}`;
  const text = `${link(card.actionSubject ?? card.title, item.thread)} · ${escapeMrkdwn(approval.environment)} · ${what} · expires ${when(approval.expiresAt)}\nPlan \`${escapeMrkdwn(approval.planHash)}\` · job \`${id}\` · the card in the thread shows the whole plan.`;
  // The card's own buttons (same action ids, values and confirmations), so a click here is decided by the same listener.
  const decision: CardAction[] = approval.mode === 'confirm' ? ['confirm', 'dismiss'] : ['approve', 'reject'];
  const asCard: JobCard = { ...card, actions: decision };
  return [
    { type: 'section', block_id: `approval-${id}`, text: { type: 'mrkdwn', text: clipMrkdwn(text, homeViewBudget.sectionText) } },
    { type: 'actions', block_id: `approval-actions-${id}`, elements: decision.map((a) => actionButton(asCard, a)) },
  ];
}

function header(id: string, text: string): KnownBlock {
  return { type: 'header', block_id: id, text: { type: 'plain_text', text: clipMrkdwn(text, homeViewBudget.header) } };
}

function context(id: string, mrkdwn: string): KnownBlock {
  return { type: 'context', block_id: id, elements: [{ type: 'mrkdwn', text: clipMrkdwn(mrkdwn, homeViewBudget.sectionText) }] };
}

/** A titled list in one section block, cut at a line before Slack's limit, saying how many more there are. */
function section<T>(id: string, title: string, list: Listed<T>, line: (item: T) => string): KnownBlock {
  const lines = [title];
  let length = title.length;
  let shown = 0;
  for (const item of list.items) {
    const text = line(item);
    if (length + text.length + 1 > maxSectionText) break;
    lines.push(text);
    length += text.length + 1;
    shown++;
  }
  const more = list.more + list.items.length - shown;
  if (more > 0) lines.push(`…and ${more} more.`);
  return { type: 'section', block_id: id, text: { type: 'mrkdwn', text: lines.join('\n') } };
}

/** Never more blocks than a Home tab holds; the limits in the model keep this from cutting anything. */
function withinHomeBudget(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= homeViewBudget.blocks) return blocks;
  return [...blocks.slice(0, homeViewBudget.blocks - 1), context('more', '…more than the Home can show; the commands list everything.')];
}

function when(iso: string): string {
  const ts = Math.floor(Date.parse(iso) / 1000);
  // Slack renders this in each reader's time zone; the fallback is UTC.
  return `<!date^${ts}^{date_short_pretty} {time}|${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC>`;
}
