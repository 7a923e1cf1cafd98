import type { Validation } from './validation/result.ts';
import { validateSlackUserId, validateSlackUsergroupId } from './validation/slack-ids.ts';
/**
 * Text that is already safe to show as Slack mrkdwn. Only `md` and `mention` make one, and
 * `md` escapes every interpolated value, so user- or Azure-supplied text can never become a
 * mention, a `<!channel>` or a fake link. It is a plain object so it survives the JSON of
 * job data and the outbox. Plain `string` fields elsewhere are escaped by the Slack layer.
 */
export interface Mrkdwn {
  readonly mrkdwn: string;
}

/** Escapes the three characters Slack treats as markup (&, <, >). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Exactly an id (not a mention, which the validators also accept). */
const isId = (result: Validation<string>, text: string) => result.ok && result.value === text;

/** A real mention of a Slack user id (validated, so it cannot carry other markup). */
export function mention(userId: string): Mrkdwn {
  return { mrkdwn: isId(validateSlackUserId(userId), userId) ? `<@${userId}>` : escapeMrkdwn(userId) };
}

export function isMrkdwn(value: unknown): value is Mrkdwn {
  return typeof value === 'object' && value !== null && typeof (value as Mrkdwn).mrkdwn === 'string';
}

/** Tagged template: md`Canceled by ${mention(id)} in ${registry}` escapes `registry`. */
export function md(strings: TemplateStringsArray, ...values: unknown[]): Mrkdwn {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += (isMrkdwn(v) ? v.mrkdwn : escapeMrkdwn(String(v))) + (strings[i + 1] ?? '');
  });
  return { mrkdwn: out };
}

/** A mention of a user (U…/W…) or user group (S…) id; anything else is shown escaped. */
export function mentionAny(id: string): Mrkdwn {
  return isId(validateSlackUsergroupId(id), id) ? { mrkdwn: `<!subteam^${id}>` } : mention(id);
}

/** Joins Mrkdwn values with a plain separator. */
export function joinMrkdwn(parts: readonly Mrkdwn[], separator = ', '): Mrkdwn {
  return { mrkdwn: parts.map((p) => p.mrkdwn).join(escapeMrkdwn(separator)) };
}
