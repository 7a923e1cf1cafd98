import type { types } from '@slack/bolt';
import type { CardAction, JobCard, JobStatus } from '../../core/card.ts';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import { ActionId } from '../action-ids.ts';
import { clipMrkdwn, messageBudget, messageCost } from './message-budget.ts';

type KnownBlock = types.KnownBlock;

/** A status as cards (and the App Home) show it: an emoji and a word. */
export const statusLabel: Record<JobStatus, string> = {
  queued: ':hourglass_flowing_sand: Queued',
  running: ':arrows_counterclockwise: Running',
  cancelling: ':double_vertical_bar: Cancelling',
  succeeded: ':white_check_mark: Succeeded',
  failed: ':x: Failed',
  canceled: ':no_entry_sign: Canceled',
  timed_out: ':alarm_clock: Timed out',
  awaiting_approval: ':raised_hand: Waiting for approval',
  rejected: ':no_entry: Rejected',
  expired: ':hourglass: Expired',
  alert: ':rotating_light: Attention',
};

/** One Slack message: `text` is the notification fallback, `blocks` what people see. */
export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * A card as Slack messages: the card itself, continuation pages for rows that do not fit in
 * one message (posted in its thread), and at level 2 a file with the details.
 */
export interface RenderedCard extends RenderedMessage {
  pages: RenderedMessage[];
  file?: { filename: string; title: string; content: string };
}

/**
 * How simply a card is drawn. Slack refusing a card (`invalid_blocks`, `msg_too_long`,
 * `msg_blocks_too_long`) moves it one level down: 0 the full card; 1 plain sections without
 * buttons; 2 plain text with the details as a file; 3 one line pointing at `/ops job`.
 */
export type CardLevel = 0 | 1 | 2 | 3;

/** Pages beyond this are summarised: an alert of hundreds of rows is read with `/sp expiring`. */
const maxPages = 10;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const mrkdwn = (text: string, max: number = messageBudget.sectionText) => ({ type: 'mrkdwn' as const, text: clipMrkdwn(text, max) });
const plainStatus = (card: JobCard) => statusLabel[card.status].replace(/^:[a-z_]+: /, '');

function time(iso: string): string {
  const ts = Math.floor(Date.parse(iso) / 1000);
  // Slack renders this in each reader's time zone; the fallback is UTC.
  return `<!date^${ts}^{time}|${new Date(iso).toISOString().slice(11, 16)} UTC>`;
}

function statusText(card: JobCard): string {
  return `*${statusLabel[card.status]}* · ${escapeMrkdwn(card.title)}${card.detail ? `\n${card.detail.mrkdwn}` : ''}`;
}

/**
 * A card or answer field as mrkdwn within `max` characters (Slack allows 2,000; less when the
 * message has more to say): bold label, value below (code values one per line).
 */
export function fieldText(f: JobCard['fields'][number], max: number): string {
  const label = `*${escapeMrkdwn(f.label)}*\n`;
  if (!f.code) return clipMrkdwn(`${label}${escapeMrkdwn(f.value)}`, max);
  // Each code line clipped on its own, so a cut never leaves a backtick open.
  const lines = f.value.split('\n');
  const room = Math.floor((max - label.length) / lines.length) - 3;
  return clipMrkdwn(`${label}${lines.map((v) => `\`${clipMrkdwn(escapeMrkdwn(v.replace(/`/g, "'")), Math.max(8, room))}\``).join('\n')}`, max);
}

function metaText(card: JobCard): string {
  return [
    `Requested by ${mention(card.requesterId).mrkdwn}`,
    `env *${escapeMrkdwn(card.environment)}*`,
    `job \`${escapeMrkdwn(card.jobId)}\``,
    `queued ${time(card.queuedAt)}`,
    ...(card.finishedAt ? [`finished ${time(card.finishedAt)}`] : []),
  ].join(' · ');
}

function rowBlock(card: JobCard, row: NonNullable<JobCard['rows']>[number], i: number): KnownBlock {
  return {
    type: 'section',
    block_id: `row-${i}`,
    text: mrkdwn(row.text.mrkdwn),
    ...(row.action === 'rotate' && {
      accessory: {
        type: 'button',
        action_id: ActionId.RotateCredential,
        text: plain('Rotate'),
        // Which row of which alert; the handler reads the credential from the stored job.
        value: `${card.jobId}#${i}`,
        confirm: {
          title: plain('Rotate this secret?'),
          text: plain('A new secret is added, stored in Key Vault and verified; the old one is removed after the grace period.'),
          confirm: plain('Rotate'),
          deny: plain('Cancel'),
        },
      },
    }),
  };
}

/**
 * Lays `rows` into the card (between `head` and `tail` blocks) and as many continuation pages as
 * they need, each message within {@link messageBudget}.
 */
function paginate(card: JobCard, head: KnownBlock[], rows: KnownBlock[], tail: KnownBlock[]): { blocks: KnownBlock[]; pages: RenderedMessage[] } {
  const fits = (blocks: KnownBlock[]) => blocks.length <= messageBudget.blocks && messageCost(blocks) <= messageBudget.blockText;
  const first: KnownBlock[] = [];
  let next = 0;
  while (next < rows.length && fits([...head, ...first, rows[next]!, ...tail])) first.push(rows[next++]!);
  const chunks: KnownBlock[][] = [];
  const pageHead = (n: number): KnownBlock => ({
    type: 'context',
    block_id: `page-${n}`,
    elements: [mrkdwn(`${escapeMrkdwn(card.title)} · job \`${escapeMrkdwn(card.jobId)}\` · continued (${n})`)],
  });
  while (next < rows.length && chunks.length < maxPages) {
    const chunk: KnownBlock[] = [pageHead(chunks.length + 2)];
    while (next < rows.length && fits([...chunk, rows[next]!])) chunk.push(rows[next++]!);
    if (chunk.length === 1) chunk.push(rows[next++]!); // a single row always fits: it is clipped to a section
    chunks.push(chunk);
  }
  if (next < rows.length) {
    const more: KnownBlock = {
      type: 'context',
      block_id: 'rows-more',
      elements: [mrkdwn(`…and ${rows.length - next} more: \`/sp expiring\` lists them all.`)],
    };
    const last = chunks.at(-1) ?? first;
    if (!fits([...last, more])) last.pop();
    last.push(more);
  }
  return {
    blocks: [...head, ...first, ...tail],
    pages: chunks.map((blocks, i) => ({ text: clipMrkdwn(`${escapeMrkdwn(card.title)} (continued, ${i + 2})`, messageBudget.text), blocks })),
  };
}

function fullCard(card: JobCard): RenderedCard {
  const head: KnownBlock[] = [{ type: 'section', block_id: 'status', text: mrkdwn(statusText(card)) }];
  const tail: KnownBlock[] = [{ type: 'context', block_id: 'meta', elements: [mrkdwn(metaText(card))] }];
  const buttons = [
    ...card.links
      .slice(0, 3)
      .map((l, i) => ({ type: 'button' as const, action_id: `${ActionId.Link}-${i}`, text: plain(clipMrkdwn(l.label, 75)), url: l.url })),
    ...card.actions.map((a) => actionButton(card, a)),
  ];
  if (buttons.length > 0) tail.push({ type: 'actions', block_id: 'actions', elements: buttons });
  const fields = card.fields.slice(0, 10);
  if (fields.length > 0) {
    // Fields share what the status, meta and buttons leave of the message's budget.
    const left = messageBudget.blockText - messageCost([...head, ...tail]) - messageBudget.perBlock;
    const max = Math.min(messageBudget.field, Math.floor(left / fields.length));
    head.push({ type: 'section', block_id: 'fields', fields: fields.map((f) => mrkdwn(fieldText(f, max), max)) });
  }
  const { blocks, pages } = paginate(
    card,
    head,
    (card.rows ?? []).map((row, i) => rowBlock(card, row, i)),
    tail,
  );
  // The fallback `text` is parsed as mrkdwn by Slack too, so it is escaped like the blocks.
  return { text: clipMrkdwn(`${plainStatus(card)}: ${escapeMrkdwn(card.title)}`, messageBudget.text), blocks, pages };
}

/** Level 1: the same content as plain sections, no buttons or accessories. */
function plainCard(card: JobCard): RenderedCard {
  const head: KnownBlock[] = [{ type: 'section', block_id: 'status', text: mrkdwn(statusText(card)) }];
  const facts = [
    ...card.fields.map((f) => `*${escapeMrkdwn(f.label)}*: ${escapeMrkdwn(f.value.replace(/\n/g, ', '))}`),
    ...card.links.map((l) => `<${l.url}|${escapeMrkdwn(l.label)}>`),
  ];
  if (facts.length > 0) head.push({ type: 'section', block_id: 'fields', text: mrkdwn(facts.join('\n')) });
  const tail: KnownBlock[] = [{ type: 'section', block_id: 'meta', text: mrkdwn(metaText(card)) }];
  const rows = (card.rows ?? []).map((row, i): KnownBlock => ({ type: 'section', block_id: `row-${i}`, text: mrkdwn(row.text.mrkdwn) }));
  const { blocks, pages } = paginate(card, head, rows, tail);
  return { text: clipMrkdwn(`${plainStatus(card)}: ${escapeMrkdwn(card.title)}`, messageBudget.text), blocks, pages };
}

/** Everything on a card as plain text, for the file of a level-2 card. */
function cardAsText(card: JobCard): string {
  return [
    `${plainStatus(card)}: ${card.title}`,
    ...(card.detail ? [card.detail.mrkdwn] : []),
    '',
    ...card.fields.map((f) => `${f.label}: ${f.value}`),
    ...card.links.map((l) => `${l.label}: ${l.url}`),
    ...(card.rows ?? []).map((r) => r.text.mrkdwn),
    '',
    `job ${card.jobId} · env ${card.environment} · requested by ${card.requesterId} · queued ${card.queuedAt}${card.finishedAt ? ` · finished ${card.finishedAt}` : ''}`,
  ].join('\n');
}

/** The job card at a given level (see {@link CardLevel}). */
export function renderCard(card: JobCard, level: CardLevel = 0): RenderedCard {
  switch (level) {
    case 0:
      return fullCard(card);
    case 1:
      return plainCard(card);
    case 2: {
      const text = `*${statusLabel[card.status]}* · ${escapeMrkdwn(card.title)}${card.detail ? `\n${card.detail.mrkdwn}` : ''}`;
      const footer = `\nThe details are in the file below · job \`${escapeMrkdwn(card.jobId)}\``;
      return {
        text: `${clipMrkdwn(text, messageBudget.text - footer.length)}${footer}`,
        blocks: [],
        pages: [],
        file: { filename: `job-${card.jobId}.txt`, title: `Job ${card.jobId}`, content: cardAsText(card) },
      };
    }
    case 3:
      return {
        text: clipMrkdwn(
          `${plainStatus(card)}: ${escapeMrkdwn(card.title)}. Slack would not show this job's card; \`/ops job ${escapeMrkdwn(card.jobId)}\` shows it.`,
          messageBudget.text,
        ),
        blocks: [],
        pages: [],
      };
  }
}

type Button = {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string };
  value: string;
  style?: 'primary' | 'danger';
  confirm?: {
    title: { type: 'plain_text'; text: string };
    text: { type: 'plain_text'; text: string };
    confirm: { type: 'plain_text'; text: string };
    deny: { type: 'plain_text'; text: string };
    style?: 'primary' | 'danger';
  };
};

/**
 * A card button. Its value is only the job id: handlers re-check everything from stored state.
 * The App Home offers the same buttons, so a decision there goes through the same listener.
 */
export function actionButton(card: JobCard, action: CardAction): Button {
  const subject = clipMrkdwn(card.actionSubject ?? card.title, 200);
  const button = (actionId: string, text: string, style?: 'primary' | 'danger', confirm?: [string, string, string, string]): Button => ({
    type: 'button',
    action_id: actionId,
    text: plain(text),
    value: card.jobId,
    ...(style && { style }),
    ...(confirm && {
      confirm: {
        title: plain(confirm[0]),
        text: plain(clipMrkdwn(confirm[1], 300)),
        confirm: plain(confirm[2]),
        deny: plain(confirm[3]),
        ...(style && { style }),
      },
    }),
  });
  switch (action) {
    case 'cancel':
      return button(ActionId.CancelJob, 'Cancel', 'danger', ['Cancel this job?', `${card.title} will be stopped.`, 'Cancel it', 'Keep running']);
    case 'approve':
      return button(ActionId.Approve, 'Approve', 'primary', ['Approve?', `${subject}: the plan shown on the card will be deployed.`, 'Approve', 'Not yet']);
    case 'reject':
      return button(ActionId.Reject, 'Reject', 'danger');
    case 'confirm':
      return button(ActionId.Confirm, 'Confirm', 'danger', ['Are you sure?', `${subject}. This cannot be undone.`, 'Yes, do it', 'No']);
    case 'dismiss':
      return button(ActionId.Dismiss, 'Never mind');
    case 'rollback':
      return button(ActionId.Rollback, 'Rollback', undefined, [
        'Roll back?',
        `Redeploy the previous known-good image of ${subject.replace(/^(Deploy|Replace|Roll back) /, '')}.`,
        'Roll back',
        'Cancel',
      ]);
    case 'replace':
      // No confirm dialog: the click only makes a new plan, which asks for its own confirmation.
      return button(ActionId.Replace, 'Plan replacement', 'primary');
  }
}
