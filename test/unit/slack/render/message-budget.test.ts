import { describe, expect, it } from 'vitest';
import type { JobCard } from '../../../../src/core/card.ts';
import { expiryAlertCard } from '../../../../src/core/credentials/cards.ts';
import type { ExpiringCredential } from '../../../../src/core/credentials/expiry.ts';
import { md } from '../../../../src/core/mrkdwn.ts';
import { renderCard } from '../../../../src/slack/render/card-blocks.ts';
import { clipMrkdwn, messageBudget, messageCost } from '../../../../src/slack/render/message-budget.ts';
import { renderThreadMessage } from '../../../../src/slack/render/thread-message.ts';
import { BLOCK_TEXT_BUDGET, MAX_BLOCKS, PER_BLOCK_CHARGE } from '../../../emulators/slack/index.ts';
import { blockTextLength } from '../../../emulators/slack/block-kit.ts';

/** Every message a card renders into: the card itself, then its continuation pages. */
function messagesOf(card: JobCard) {
  const rendered = renderCard(card) as ReturnType<typeof renderCard> & { pages?: { text: string; blocks: unknown[] }[] };
  return [{ text: rendered.text, blocks: rendered.blocks as unknown[] }, ...(rendered.pages ?? [])];
}

/** What the emulator (and, as far as anyone measured, Slack) accepts. */
function acceptedBySlack(message: { text: string; blocks: unknown[] }): boolean {
  return (
    message.blocks.length <= MAX_BLOCKS &&
    blockTextLength(message.blocks) + PER_BLOCK_CHARGE * message.blocks.length <= BLOCK_TEXT_BUDGET &&
    message.text.length <= 4000
  );
}

function credential(i: number, nameLength: number): ExpiringCredential {
  return {
    appId: `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`,
    appName: `payments-platform-${'settlement-reconciliation-'.repeat(Math.ceil(nameLength / 26)).slice(0, nameLength)}-${i}`,
    keyId: `${String(i).padStart(8, '0')}-1111-4222-8333-444444444444`,
    displayName: `rotation for ${'ci-pipeline '.repeat(3)}${i}`,
    endDateTime: '2026-12-20T00:00:00Z',
    daysLeft: 6,
    threshold: 7,
  };
}

describe('message budget where cards are rendered', () => {
  it('splits an expiry alert of 40 rows with long names into pages Slack accepts, keeping every Rotate button', () => {
    for (const nameLength of [20, 120]) {
      const alert = expiryAlertCard(
        'jalert',
        Array.from({ length: 40 }, (_, i) => credential(i, nameLength)),
        new Date('2026-12-14T09:00:00Z'),
      );
      const messages = messagesOf(alert);
      for (const m of messages)
        expect(acceptedBySlack(m), `${messages.length} messages; one is ${blockTextLength(m.blocks)} chars in ${m.blocks.length} blocks`).toBe(true);
      const buttons = messages.flatMap((m) => JSON.stringify(m.blocks).match(/"value":"jalert#\d+"/g) ?? []);
      expect(new Set(buttons).size).toBe(40);
    }
  });

  it('keeps a card with a very long detail within budget, cut on a character boundary', () => {
    // Wherever the cut falls, it falls between characters, never inside an entity or an emoji.
    for (let pad = 0; pad < 12; pad++) {
      const detail = md`${'a'.repeat(pad)}${'& 👩‍👩‍👧‍👦 '.repeat(800)}`;
      const card: JobCard = {
        jobId: 'j1',
        title: 'Deploy 🚀 web',
        requesterId: 'U0ALICE',
        environment: 'dev',
        status: 'failed',
        detail,
        fields: [],
        links: [],
        actions: [],
        queuedAt: '2026-11-28T03:00:00Z',
      };
      const [main] = messagesOf(card);
      expect(acceptedBySlack(main!)).toBe(true);
      const texts = (main!.blocks as { text?: { text: string } }[]).map((b) => b.text?.text ?? '');
      for (const t of texts) {
        expect(t).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…/); // no entity cut in half
        expect(t).not.toMatch(/[\uD800-\uDBFF]…|\u200D…|[\uD800-\uDBFF]$/); // no emoji cut in half
      }
    }
  });

  it('keeps a log batch of markup-heavy text within 4,000 characters once escaped', () => {
    const rendered = renderThreadMessage({ kind: 'log', text: '<'.repeat(3500), live: { fullLog: md`\`/acr logs ca1\`` } });
    expect(rendered.type).toBe('message');
    if (rendered.type === 'message') expect(rendered.text.length).toBeLessThanOrEqual(messageBudget.text);
  });

  it('turns a long listing (a few hundred container groups) into a file instead of a message Slack refuses', () => {
    const listing = Array.from({ length: 600 }, (_, i) => `web-frontend-${i}  Succeeded/Running  web-frontend-${i}.westeurope.azurecontainer.io`).join('\n');
    const rendered = renderThreadMessage({ kind: 'log', text: listing });
    expect(rendered.type).toBe('file');
    if (rendered.type === 'file') expect(rendered.content).toBe(listing);
  });

  it('drops the middle of a live log batch that is too long, and says where the full log is', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `Step ${i}: RUN echo ${'x'.repeat(40)}`).join('\n');
    const rendered = renderThreadMessage({ kind: 'log', text: lines, live: { fullLog: md`\`/acr logs ca12\`` } });
    expect(rendered.type).toBe('message');
    if (rendered.type !== 'message') return;
    expect(rendered.text.length).toBeLessThanOrEqual(messageBudget.text);
    expect(rendered.text).toContain('Step 0:');
    expect(rendered.text).toContain('Step 399:');
    expect(rendered.text).toContain('/acr logs ca12');
  });
});

describe('clipMrkdwn', () => {
  it('cuts by grapheme and never inside an entity, a mention, a link or a date', () => {
    const family = '👩‍👩‍👧‍👦';
    expect(clipMrkdwn(`ab${family}cd`, 4)).toBe('ab…');
    expect(clipMrkdwn('ab&amp;cd', 5)).toBe('ab…');
    expect(clipMrkdwn('hi <@U0ALICE> there', 8)).toBe('hi …');
    expect(clipMrkdwn('see <https://portal.azure.com/#resource/x|the run> now', 12)).toBe('see …');
    expect(clipMrkdwn('short', 10)).toBe('short');
    for (let max = 2; max < 40; max++) {
      const out = clipMrkdwn(`a&lt;b <@U1> ${family} <!date^1^{time}|09:00 UTC> tail`, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/&[a-z]*…|<[^>]*…|[\uD800-\uDBFF]…/);
    }
  });

  it('counts what Slack counts: every text in the blocks plus the blocks themselves', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(100) } }, { type: 'divider' }];
    expect(messageCost(blocks)).toBe(100 + 2 * messageBudget.perBlock);
  });
});
