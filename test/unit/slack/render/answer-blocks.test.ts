import { describe, expect, it } from 'vitest';
import { md } from '../../../../src/core/mrkdwn.ts';
import type { QueryAnswer } from '../../../../src/core/query-answer.ts';
import { answerAsText, defaultPlacement, fitsInline, renderAnswer } from '../../../../src/slack/render/answer-blocks.ts';
import { fitsMessage } from '../../../../src/slack/render/message-budget.ts';
import { checkMessage } from '../../../emulators/slack/block-kit.ts';

const base: QueryAnswer = { title: 'Runs of contosodev', environment: 'dev', summary: md`The 2 most recent runs:` };
const table = (lines: number, width = 60) => Array.from({ length: lines }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(width)}`).join('\n');
const texts = (r: { blocks: unknown[] }) => JSON.stringify(r.blocks);

function withinLimits(blocks: unknown[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks as { text?: { text: string }; fields?: { text: string }[] }[]) {
    if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
  }
}

describe('renderAnswer', () => {
  it('shows a short table in the message, with Share in channel and the links', () => {
    const answer = {
      ...base,
      text: { filename: 'runs.txt', title: 'Runs', content: 'ca1 Succeeded\nca2 Failed' },
      links: [{ label: 'Registry in Azure portal', url: 'https://portal.azure.com/#x' }],
    };
    const r = renderAnswer(answer, { placement: { kind: 'inline' }, footer: 'Only you can see this.', shareId: 'j0123456789ab' });
    withinLimits(r.blocks);
    expect(texts(r)).toContain('```ca1 Succeeded\\nca2 Failed```');
    expect(texts(r)).toContain('"action_id":"answer.share"');
    expect(texts(r)).toContain('"value":"j0123456789ab"');
    expect(texts(r)).toContain('"url":"https://portal.azure.com/#x"');
    expect(r.text).toBe('Runs of contosodev: The 2 most recent runs:');
  });

  it('offers no Share button without a share id, and shows a failure with its hint', () => {
    const failed: QueryAnswer = { ...base, summary: md`Azure says the registry does not exist.`, failure: { hint: 'Check registry: in chatops.yaml.' } };
    const r = renderAnswer(failed, { placement: { kind: 'inline' }, footer: 'Only you can see this.' });
    expect(texts(r)).not.toContain('answer.share');
    expect(texts(r)).toContain(':warning: *Runs of contosodev*');
    expect(texts(r)).toContain('Check registry: in chatops.yaml.');
  });

  it('escapes what Azure or users wrote, so it cannot mention anyone', () => {
    const answer = {
      ...base,
      title: 'Tags of <!channel>',
      text: { filename: 't.txt', title: 't', content: 'v1 <!here> & <@U0BOSS>' },
      fields: [{ label: 'Image', value: 'a`b<!everyone>', code: true }],
    };
    const all = texts(renderAnswer(answer, { placement: { kind: 'inline' }, footer: 'x' }));
    expect(all).not.toMatch(/<!(channel|here|everyone)>|<@U0BOSS>/);
    expect(all).toContain('&lt;!here&gt; &amp; &lt;@U0BOSS&gt;');
  });

  it('says where a long text went, or shows the lines that fit from the end that matters', () => {
    const long = { filename: 'log.txt', title: 'Log of run ca1', content: table(400), keep: 'tail' as const };
    expect(fitsInline(long)).toBe(false);
    expect(fitsInline({ ...long, content: table(10) })).toBe(true);
    const filed = renderAnswer({ ...base, text: long }, { placement: { kind: 'file', where: 'in a file in our DM' }, footer: 'x' });
    expect(texts(filed)).toContain('Log of run ca1: 400 lines, too long for a message. The full text is in a file in our DM.');
    expect(texts(filed)).not.toContain('0399');

    const clipped = renderAnswer({ ...base, text: long }, { placement: defaultPlacement(long, 'Run it again with --tail 20.'), footer: 'x' });
    withinLimits(clipped.blocks);
    const shown = texts(clipped);
    expect(shown).toContain('0399 ');
    expect(shown).not.toContain('0000 ');
    expect(shown).toMatch(/\d+ earlier lines not shown\. Run it again with --tail 20\./);
    const head = renderAnswer({ ...base, text: { ...long, keep: 'head' } }, { placement: { kind: 'clipped', note: 'n' }, footer: 'x' });
    expect(texts(head)).toContain('0000 ');
    expect(texts(head)).toMatch(/\d+ more lines not shown/);
  });

  it('counts the escaped length: a table of & characters that only fits raw is not inline', () => {
    const amp = { filename: 'a.txt', title: 'a', content: '&'.repeat(1000) };
    expect(fitsInline(amp)).toBe(false);
    withinLimits(renderAnswer({ ...base, text: amp }, { placement: defaultPlacement(amp, 'n'), footer: 'x' }).blocks);
  });

  it('stays within the message budget Slack enforces, however long its summary, fields, text and footer', () => {
    const long = (n: number) => `${'rg-payments-settlement-'.repeat(Math.ceil(n / 23))}`.slice(0, n);
    const answer: QueryAnswer = {
      ...base,
      summary: { mrkdwn: long(5000) },
      fields: Array.from({ length: 12 }, (_, i) => ({ label: `Field ${i}`, value: long(2500), code: i % 2 === 0 })),
      text: { filename: 'x.txt', title: 'x', content: table(400), keep: 'tail' },
      links: [{ label: 'Registry in Azure portal', url: 'https://portal.azure.com/#x' }],
    };
    const r = renderAnswer(answer, {
      placement: defaultPlacement(answer.text, 'n'),
      footer: `Only you can see this · ${long(4000)}`,
      shareId: 'j0123456789ab',
    });
    expect(fitsMessage(r)).toBe(true);
    expect(checkMessage(r.blocks, r.text)).toBeUndefined();
    expect(texts(r)).toContain('"action_id":"answer.share"');
    expect((r.blocks.find((b) => b.block_id === 'fields') as { fields: unknown[] }).fields).toHaveLength(10);
  });

  it('writes the answer as one text for a file comment, fields as lines', () => {
    const text = answerAsText(
      {
        ...base,
        fields: [
          { label: 'SKU', value: 'Premium' },
          { label: 'Login server', value: 'contosodev.azurecr.io', code: true },
        ],
      },
      'Shared by <@U0ALICE>.',
    );
    expect(text).toBe(
      '*Runs of contosodev* · dev\nThe 2 most recent runs:\n• *SKU*: Premium\n• *Login server*: `contosodev.azurecr.io`\nShared by <@U0ALICE>.',
    );
  });
});
