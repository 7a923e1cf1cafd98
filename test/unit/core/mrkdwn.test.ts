import { describe, expect, it } from 'vitest';
import { md, mention } from '../../../src/core/mrkdwn.ts';

describe('md and mention', () => {
  it('escapes interpolated text so it cannot become a mention or a link', () => {
    const evil = '<!channel> <@U123> <https://evil.example|click>';
    expect(md`Built ${evil}`.mrkdwn).toBe('Built &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;');
  });
  it('keeps real mentions made by mention()', () => {
    expect(md`by ${mention('U0ALICE')}`.mrkdwn).toBe('by <@U0ALICE>');
    expect(mention('U1>&<!channel').mrkdwn).not.toContain('<!channel');
  });
});
