import { describe, expect, it } from 'vitest';
import type { ThreadMessage } from '../../../../src/core/card.ts';
import { md } from '../../../../src/core/mrkdwn.ts';
import { degradedReply, farBehindBatches, nextMessage } from '../../../../src/slack/delivery/pending-messages.ts';

const live = (text: string): ThreadMessage => ({ kind: 'log', text, live: { fullLog: md`/acr logs ca1` } });

describe('what the outbox sends next', () => {
  it('merges waiting log batches as long as they fit one message, and never past a milestone', () => {
    const head = [live('a'), live('b'), { kind: 'note', text: md`milestone` } as ThreadMessage, live('c')];
    expect(nextMessage(head)).toMatchObject({ count: 2, message: { kind: 'log', text: 'a\nb' } });
    expect(nextMessage(head.slice(2))).toMatchObject({ count: 1, message: { kind: 'note' } });
    const big = Array.from({ length: 5 }, (_, i) => live(`${i}`.repeat(1500)));
    expect(nextMessage(big).count).toBe(2);
  });

  it('sends every waiting batch as one when the channel is far behind', () => {
    const head = Array.from({ length: farBehindBatches + 5 }, (_, i) => live(`line ${i} ${'x'.repeat(1000)}`));
    const { message, count } = nextMessage(head);
    expect(count).toBe(head.length);
    expect(message).toMatchObject({ kind: 'log', live: { fullLog: { mrkdwn: '/acr logs ca1' } } });
  });

  it('draws a refused message more simply each time, down to a pointer at /ops job', () => {
    const note: ThreadMessage = { kind: 'note', text: md`Deployed ${'<web>'} to prod <@U0ALICE>` };
    // Plain text: entities stay escaped, markup such as a mention is flattened.
    expect(degradedReply(note, 1, 'j1')).toEqual({ type: 'message', text: 'Deployed &lt;web&gt; to prod @U0ALICE', mrkdwn: false });
    expect(degradedReply(note, 2, 'j1')).toMatchObject({ type: 'file', content: 'Deployed &lt;web&gt; to prod <@U0ALICE>' });
    expect(degradedReply(note, 3, 'j1')).toMatchObject({ type: 'message', text: expect.stringContaining('`/ops job j1`') });
  });
});
