/**
 * What Slack checks in a message's (or a view's) `blocks` and text before it accepts a post, an
 * update or a `views.publish`.
 *
 * Block limits: docs.slack.dev/reference/block-kit/blocks (50 blocks per message) and the
 * per-block pages (section, header, context, actions, markdown), mirrored by
 * slackapi/python-slack-sdk `slack_sdk/models/blocks/blocks.py` and `block_elements.py`.
 * Errors come back the way Slack words them: `invalid_blocks` with one
 * `must be less than 3001 characters [json-pointer:/blocks/0/text/text]` line per problem in
 * `errors` and `response_metadata.messages` (as quoted in grafana/oncall#5121 and
 * adobe/spacecat-api-service#176).
 */
import type { MethodResult } from './methods/common.ts';

/** docs.slack.dev/reference/block-kit/blocks: "You can include up to 50 blocks in each message". */
export const MAX_BLOCKS = 50;
/** chat.postMessage "Truncating content": text beyond 40,000 characters; Slack also lists `msg_too_long` (rejecting is assumed). */
export const MAX_TEXT_CHARS = 40_000;
/**
 * `msg_blocks_too_long` has no documented number. bolt-js#2509: markdown-only blocks pass up to
 * 13,297 characters and a divider lowers it; Slack staff answered "12,000 text characters with a
 * buffer for block containers"; bolt-js#2867: 11,341 characters of text in many blocks was still
 * refused. Modelled (assumed) as text characters plus 100 per block, refused above 13,300.
 */
export const BLOCK_TEXT_BUDGET = 13_300;
export const PER_BLOCK_CHARGE = 100;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: string[] = [];
  add(message: string, path: string): void {
    this.list.push(`${message} [json-pointer:${path}]`);
  }
}

/** A text object: `{type: plain_text|mrkdwn, text}` with 1..max characters. */
function textObject(p: Problems, value: unknown, path: string, max: number, onlyPlain = false): void {
  if (!isObject(value)) return p.add('must be an object', path);
  if (value.type !== 'plain_text' && (onlyPlain || value.type !== 'mrkdwn'))
    return p.add(`must be ${onlyPlain ? 'plain_text' : 'plain_text or mrkdwn'}`, `${path}/type`);
  if (typeof value.text !== 'string' || value.text.length === 0) return p.add('must be more than 0 characters', `${path}/text`);
  if (value.text.length > max) p.add(`must be less than ${max + 1} characters`, `${path}/text`);
}

function maxLength(p: Problems, value: unknown, path: string, max: number): void {
  if (value !== undefined && (typeof value !== 'string' || value.length > max)) p.add(`must be less than ${max + 1} characters`, path);
}

/** Confirmation dialog object: title 100, text 300, confirm/deny 30 (composition-objects/confirmation-dialog-object). */
function confirmObject(p: Problems, value: unknown, path: string): void {
  if (!isObject(value)) return p.add('must be an object', path);
  textObject(p, value.title, `${path}/title`, 100, true);
  textObject(p, value.text, `${path}/text`, 300);
  textObject(p, value.confirm, `${path}/confirm`, 30, true);
  textObject(p, value.deny, `${path}/deny`, 30, true);
}

/** Interactive elements the bot sends: buttons (block-elements/button-element: text 75, value 2000, url 3000, action_id 255). */
function element(p: Problems, value: unknown, path: string, actionIds: Set<string>): void {
  if (!isObject(value)) return p.add('must be an object', path);
  if (value.type !== 'button') return; // other elements are not used by the bot; accepted as they are
  textObject(p, value.text, `${path}/text`, 75, true);
  maxLength(p, value.value, `${path}/value`, 2000);
  maxLength(p, value.url, `${path}/url`, 3000);
  maxLength(p, value.action_id, `${path}/action_id`, 255);
  if (typeof value.action_id === 'string') {
    // "Should be unique among all other action_ids in the containing block."
    if (actionIds.has(value.action_id)) p.add('action_id must be unique', `${path}/action_id`);
    actionIds.add(value.action_id);
  }
  if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') p.add('must be primary or danger', `${path}/style`);
  if (value.confirm !== undefined) confirmObject(p, value.confirm, `${path}/confirm`);
}

function block(p: Problems, value: unknown, path: string, blockIds: Set<string>): void {
  if (!isObject(value)) return p.add('must be an object', path);
  if (value.block_id !== undefined) {
    maxLength(p, value.block_id, `${path}/block_id`, 255);
    if (typeof value.block_id === 'string') {
      if (blockIds.has(value.block_id)) p.add('block_id must be unique within a message', `${path}/block_id`);
      blockIds.add(value.block_id);
    }
  }
  switch (value.type) {
    case 'section': {
      // Section: text 1..3000, or fields (≤ 10 items of ≤ 2000 characters).
      if (value.text === undefined && value.fields === undefined) return p.add('must provide text or fields', path);
      if (value.text !== undefined) textObject(p, value.text, `${path}/text`, 3000);
      if (value.fields !== undefined) {
        if (!Array.isArray(value.fields)) return p.add('must be an array', `${path}/fields`);
        if (value.fields.length > 10) p.add('no more than 10 items allowed', `${path}/fields`);
        for (const [i, f] of value.fields.entries()) textObject(p, f, `${path}/fields/${i}`, 2000);
      }
      if (value.accessory !== undefined) element(p, value.accessory, `${path}/accessory`, new Set());
      return;
    }
    case 'header':
      return textObject(p, value.text, `${path}/text`, 150, true);
    case 'context': {
      if (!Array.isArray(value.elements) || value.elements.length === 0) return p.add('must provide elements', `${path}/elements`);
      if (value.elements.length > 10) p.add('no more than 10 items allowed', `${path}/elements`);
      value.elements.forEach((e, i) => {
        if (isObject(e) && (e.type === 'mrkdwn' || e.type === 'plain_text')) textObject(p, e, `${path}/elements/${i}`, 3000);
      });
      return;
    }
    case 'actions': {
      if (!Array.isArray(value.elements) || value.elements.length === 0) return p.add('must provide elements', `${path}/elements`);
      if (value.elements.length > 25) p.add('no more than 25 items allowed', `${path}/elements`);
      const ids = new Set<string>();
      for (const [i, e] of value.elements.entries()) element(p, e, `${path}/elements/${i}`, ids);
      return;
    }
    case 'markdown':
      // markdown block: "The cumulative limit for all markdown blocks in a single payload is 12,000 characters."
      if (typeof value.text !== 'string' || value.text.length === 0) return p.add('must be more than 0 characters', `${path}/text`);
      return maxLength(p, value.text, `${path}/text`, 12_000);
    case 'divider':
    case 'image':
    case 'rich_text':
    case 'file':
    case 'input':
    case 'video':
      return;
    default:
      p.add(`unsupported type: ${String(value.type)}`, `${path}/type`);
  }
}

/**
 * Problems found in a view's `blocks` under `pointer` (`/view/blocks`), as `[ERROR] …
 * [json-pointer:…]` lines: the same block checks as messages (views.publish answers
 * `invalid_blocks` with these in `response_metadata.messages`). Empty when Slack would take them.
 */
export function blockProblems(blocks: readonly unknown[], pointer: string): string[] {
  const p = new Problems();
  const blockIds = new Set<string>();
  for (const [i, b] of blocks.entries()) block(p, b, `${pointer}/${i}`, blockIds);
  return p.list.map((m) => `[ERROR] ${m}`);
}

/** Every `text` string in a block tree: what Slack's cumulative block-text limit counts (bolt-js#2867). */
export function blockTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + blockTextLength(v), 0);
  if (!isObject(value)) return 0;
  let n = 0;
  for (const [key, v] of Object.entries(value)) n += key === 'text' && typeof v === 'string' ? v.length : blockTextLength(v);
  return n;
}

/**
 * Checks a message's `blocks` and `text` as Slack would; returns the refusal, or undefined when
 * the message is accepted. Order: block structure, then the cumulative size, then the text.
 */
export function checkMessage(blocks: unknown[] | undefined, text: string | undefined): MethodResult | undefined {
  if (blocks !== undefined) {
    const p = new Problems();
    if (blocks.length > MAX_BLOCKS) p.add(`no more than ${MAX_BLOCKS} items allowed`, '/blocks');
    const blockIds = new Set<string>();
    for (const [i, b] of blocks.entries()) block(p, b, `/blocks/${i}`, blockIds);
    if (p.list.length > 0) {
      return { ok: false, error: 'invalid_blocks', errors: p.list, response_metadata: { messages: p.list.map((m) => `[ERROR] ${m}`) } };
    }
    if (blockTextLength(blocks) + PER_BLOCK_CHARGE * blocks.length > BLOCK_TEXT_BUDGET) return { ok: false, error: 'msg_blocks_too_long' };
  }
  if (text !== undefined && text.length > MAX_TEXT_CHARS) return { ok: false, error: 'msg_too_long' };
  return undefined;
}
