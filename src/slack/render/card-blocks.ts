import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import type { CardAction, CardField, JobCard, JobStatus } from '../../core/card.ts';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import { ActionId } from '../action-ids.ts';

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

/** A message holds at most 50 blocks; the rest are summarised. */
const maxRows = 40;

/** Cuts `text` to Slack's limit for where it goes (section fields: 2,000 characters each, 10 per block). */
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A card or answer field as mrkdwn: bold label, value below (code values one per line). */
export function fieldText(f: CardField): string {
  const value = f.code ? f.value.split('\n').map((v) => `\`${escapeMrkdwn(v.replace(/`/g, "'"))}\``).join('\n') : escapeMrkdwn(f.value);
  return `*${escapeMrkdwn(f.label)}*\n${value}`;
}

function time(iso: string): string {
  const ts = Math.floor(Date.parse(iso) / 1000);
  // Slack renders this in each reader's time zone; the fallback is UTC.
  return `<!date^${ts}^{time}|${new Date(iso).toISOString().slice(11, 16)} UTC>`;
}

/** The job card as a Slack message: `text` is the notification fallback, `blocks` the card. */
export function renderCard(card: JobCard): { text: string; blocks: KnownBlock[] } {
  const title = escapeMrkdwn(card.title);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'status',
      text: { type: 'mrkdwn', text: clip(`*${statusLabel[card.status]}* · ${title}${card.detail ? `\n${card.detail.mrkdwn}` : ''}`, 3000) },
    },
  ];
  if (card.fields.length > 0) {
    blocks.push({
      type: 'section',
      block_id: 'fields',
      fields: card.fields.slice(0, 10).map((f) => ({
        type: 'mrkdwn' as const,
        text: clip(fieldText(f), 2000),
      })),
    });
  }
  for (const [i, row] of (card.rows ?? []).slice(0, maxRows).entries()) {
    blocks.push({
      type: 'section',
      block_id: `row-${i}`,
      text: { type: 'mrkdwn', text: clip(row.text.mrkdwn, 3000) },
      ...(row.action === 'rotate' && {
        accessory: {
          type: 'button',
          action_id: ActionId.RotateCredential,
          text: { type: 'plain_text', text: 'Rotate' },
          // Which row of which alert; the handler reads the credential from the stored job.
          value: `${card.jobId}#${i}`,
          confirm: {
            title: { type: 'plain_text', text: 'Rotate this secret?' },
            text: { type: 'plain_text', text: 'A new secret is added, stored in Key Vault and verified; the old one is removed after the grace period.' },
            confirm: { type: 'plain_text', text: 'Rotate' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
      }),
    });
  }
  if ((card.rows?.length ?? 0) > maxRows) {
    blocks.push({ type: 'context', block_id: 'rows-more', elements: [{ type: 'mrkdwn', text: `…and ${card.rows!.length - maxRows} more: \`/sp expiring\` lists them all.` }] });
  }
  const context = [
    `Requested by ${mention(card.requesterId).mrkdwn}`,
    `env *${escapeMrkdwn(card.environment)}*`,
    `job \`${escapeMrkdwn(card.jobId)}\``,
    `queued ${time(card.queuedAt)}`,
    ...(card.finishedAt ? [`finished ${time(card.finishedAt)}`] : []),
  ];
  blocks.push({ type: 'context', block_id: 'meta', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  const buttons = [
    ...card.links.slice(0, 3).map((l, i) => ({
      type: 'button' as const,
      action_id: `${ActionId.Link}-${i}`,
      text: { type: 'plain_text' as const, text: clip(l.label, 75) },
      url: l.url,
    })),
    ...card.actions.map((a) => actionButton(card, a)),
  ];
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'actions', elements: buttons });
  const plainStatus = statusLabel[card.status].replace(/^:[a-z_]+: /, '');
  // The fallback `text` is parsed as mrkdwn by Slack too, so it is escaped like the blocks.
  return { text: clip(`${plainStatus}: ${title}`, 3000), blocks };
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

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/**
 * A card button. Its value is only the job id: handlers re-check everything from stored state.
 * The App Home offers the same buttons, so a decision there goes through the same listener.
 */
export function actionButton(card: JobCard, action: CardAction): Button {
  const subject = clip(card.actionSubject ?? card.title, 200);
  const button = (actionId: string, text: string, style?: 'primary' | 'danger', confirm?: [string, string, string, string]): Button => ({
    type: 'button',
    action_id: actionId,
    text: plain(text),
    value: card.jobId,
    ...(style && { style }),
    ...(confirm && { confirm: { title: plain(confirm[0]), text: plain(clip(confirm[1], 300)), confirm: plain(confirm[2]), deny: plain(confirm[3]), ...(style && { style }) } }),
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
      return button(ActionId.Rollback, 'Rollback', undefined, ['Roll back?', `Redeploy the previous known-good image of ${subject.replace(/^(Deploy|Replace|Roll back) /, '')}.`, 'Roll back', 'Cancel']);
    case 'replace':
      // No confirm dialog: the click only makes a new plan, which asks for its own confirmation.
      return button(ActionId.Replace, 'Plan replacement', 'primary');
  }
}
