/**
 * Block Kit limits the emulator enforces on views, so a product that overflows them fails here
 * the way it would against Slack. Each limit cites the reference page it comes from
 * (docs.slack.dev/reference/block-kit/…). The error's wording is assumed: Slack answers
 * `invalid_blocks` with `[ERROR] … [json-pointer:…]` lines, which is what is produced here.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function textOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.text === 'string' ? value.text : undefined;
}

/** Problems found in `blocks`, as Slack phrases them; empty when Slack would take them. */
export function blockProblems(blocks: readonly unknown[], pointer: string): string[] {
  const problems: string[] = [];
  const seenBlockIds = new Set<string>();
  const tooLong = (value: string | undefined, max: number, at: string) => {
    if (value !== undefined && value.length > max) problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${at}]`);
  };
  blocks.forEach((block, i) => {
    const at = `${pointer}/${i}`;
    if (!isObject(block) || typeof block.type !== 'string') {
      problems.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
      return;
    }
    // blocks reference: "block_id … Maximum length for this field is 255 characters" and unique per message/view.
    if (typeof block.block_id === 'string') {
      tooLong(block.block_id, 255, `${at}/block_id`);
      if (seenBlockIds.has(block.block_id)) problems.push(`[ERROR] duplicate block_id [json-pointer:${at}/block_id]`);
      seenBlockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        // section block: text 1–3000 characters; fields at most 10 items, each at most 2000 characters.
        const text = textOf(block.text);
        if (text === undefined && !Array.isArray(block.fields)) problems.push(`[ERROR] must provide text or fields [json-pointer:${at}]`);
        if (text !== undefined && text.length === 0) problems.push(`[ERROR] must be more than 0 characters [json-pointer:${at}/text/text]`);
        tooLong(text, 3000, `${at}/text/text`);
        if (Array.isArray(block.fields)) {
          if (block.fields.length > 10) problems.push(`[ERROR] must provide at most 10 items [json-pointer:${at}/fields]`);
          block.fields.forEach((f, j) => tooLong(textOf(f), 2000, `${at}/fields/${j}/text`));
        }
        if (isObject(block.accessory)) elementProblems(block.accessory, `${at}/accessory`, tooLong);
        break;
      }
      case 'header':
        // header block: plain_text, at most 150 characters.
        tooLong(textOf(block.text), 150, `${at}/text/text`);
        break;
      case 'context':
        // context block: at most 10 elements; mrkdwn text objects at most 3000 characters (text object reference).
        if (!Array.isArray(block.elements) || block.elements.length === 0) problems.push(`[ERROR] must provide elements [json-pointer:${at}/elements]`);
        else {
          if (block.elements.length > 10) problems.push(`[ERROR] must provide at most 10 items [json-pointer:${at}/elements]`);
          block.elements.forEach((e, j) => tooLong(textOf(e), 3000, `${at}/elements/${j}/text`));
        }
        break;
      case 'actions':
        // actions block: at most 25 elements.
        if (!Array.isArray(block.elements) || block.elements.length === 0) problems.push(`[ERROR] must provide elements [json-pointer:${at}/elements]`);
        else {
          if (block.elements.length > 25) problems.push(`[ERROR] must provide at most 25 items [json-pointer:${at}/elements]`);
          block.elements.forEach((e, j) => isObject(e) && elementProblems(e, `${at}/elements/${j}`, tooLong));
        }
        break;
      case 'divider':
        break;
      default:
        // Other block types (images, inputs, rich text) are not used by the product; taken as they are (assumed valid).
        break;
    }
  });
  return problems;
}

/** Button element reference: text ≤ 75, action_id ≤ 255, value ≤ 2000, url ≤ 3000; confirmation dialog: title ≤ 100, text ≤ 300, confirm/deny ≤ 30. */
function elementProblems(element: Json, at: string, tooLong: (value: string | undefined, max: number, at: string) => void): void {
  if (element.type !== 'button') return;
  tooLong(textOf(element.text), 75, `${at}/text/text`);
  tooLong(typeof element.action_id === 'string' ? element.action_id : undefined, 255, `${at}/action_id`);
  tooLong(typeof element.value === 'string' ? element.value : undefined, 2000, `${at}/value`);
  tooLong(typeof element.url === 'string' ? element.url : undefined, 3000, `${at}/url`);
  if (isObject(element.confirm)) {
    tooLong(textOf(element.confirm.title), 100, `${at}/confirm/title/text`);
    tooLong(textOf(element.confirm.text), 300, `${at}/confirm/text/text`);
    tooLong(textOf(element.confirm.confirm), 30, `${at}/confirm/confirm/text`);
    tooLong(textOf(element.confirm.deny), 30, `${at}/confirm/deny/text`);
  }
}
