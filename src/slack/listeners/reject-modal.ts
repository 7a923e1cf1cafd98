import type { types } from '@slack/bolt';
import { ViewId } from '../action-ids.ts';

type View = types.View;

/** Most characters of a rejection reason kept (it is shown on the card). */
export const maxReasonLength = 500;

/** How long the checks of a Reject submit may take: Slack wants the answer within 3 s. */
export const submitCheckMs = 2500;

/** What the Reject modal carries from the click to its submit. */
export interface RejectMeta {
  jobId: string;
  channelId: string;
  responseUrl: string;
  /** Reject was clicked on the App Home: the outcome goes there. */
  home?: true;
}

export function reasonModal(meta: RejectMeta): View {
  return {
    type: 'modal',
    callback_id: ViewId.RejectReason,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Reject request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: 'Why? (shown on the card)' },
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: maxReasonLength },
      },
    ],
  };
}

export function refusedModal(text: string): View {
  return {
    type: 'modal',
    callback_id: ViewId.RejectReason,
    title: { type: 'plain_text', text: 'Reject request' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }],
  };
}

/** Form errors are plain text: mentions become "them" instead of showing raw markup. */
export function toPlainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<[^>]+>/g, 'them')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, ms, 'timeout')))]);
  } finally {
    clearTimeout(timer);
  }
}

export function parseMeta(raw: string): RejectMeta | undefined {
  try {
    const parsed = JSON.parse(raw) as { jobId?: unknown; channelId?: unknown; responseUrl?: unknown; home?: unknown };
    if (typeof parsed.jobId !== 'string') return undefined;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      jobId: parsed.jobId,
      channelId: text(parsed.channelId),
      responseUrl: text(parsed.responseUrl),
      ...(parsed.home === true && { home: true as const }),
    };
  } catch {
    return undefined;
  }
}
