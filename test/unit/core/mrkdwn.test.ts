import { describe, expect, it } from 'vitest';
import { jobIdFromTrigger, jobIdPattern } from '../../../src/core/job-id.ts';
import { md, mention } from '../../../src/core/mrkdwn.ts';
import { redactDeep, redactText } from '../../../src/core/redact.ts';

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

describe('redaction', () => {
  it.each([
    ['a SAS signature', 'GET https://x.blob.core.windows.net/logs/ca1?sv=2019-02-02&sig=abc%2Bdef&se=2026', 'abc%2Bdef'],
    ['a Slack bot token', 'token xoxb-123-456-abcdef failed', 'xoxb-123-456-abcdef'],
    ['a bearer token', 'Authorization: Bearer eyJ0eXAi.eyJhdWQi.sig', 'eyJ0eXAi.eyJhdWQi.sig'],
    ['a client secret in a form body', 'client_id=a&client_secret=Sup3r~Secret&scope=x', 'Sup3r~Secret'],
    ['a password in a URL', 'redis://default:hunter2@redis:6379', 'hunter2'],
  ])('removes %s', (_name, text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
  it('redacts nested log fields and errors', () => {
    const out = JSON.stringify(redactDeep({ err: new Error('GET https://a/b?sig=zzz failed'), nested: { url: 'https://a?sig=yyy' } }));
    expect(out).not.toMatch(/zzz|yyy/);
  });
});

describe('jobIdFromTrigger', () => {
  it('is stable for one trigger, different across triggers, and typeable', () => {
    const a = jobIdFromTrigger('T1', '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c');
    expect(a).toBe(jobIdFromTrigger('T1', '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'));
    expect(a).not.toBe(jobIdFromTrigger('T2', '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'));
    expect(a).toMatch(jobIdPattern);
    expect(a).not.toContain(':');
  });
});
