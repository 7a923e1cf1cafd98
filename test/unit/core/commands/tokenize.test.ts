import { describe, expect, it } from 'vitest';
import { tokenize, unescapeSlackText } from '../../../../src/core/commands/index.ts';
import { expectUsageError } from './expect-usage-error.ts';

describe('tokenize', () => {
  it.each<[string, string, string[]]>([
    ['splits on any whitespace', ' a \t b\nc  ', ['a', 'b', 'c']],
    ['splits on a no-break space', 'a\u00a0b', ['a', 'b']],
    ['returns nothing for blank text', '   ', []],
    ['groups double quotes', 'a "b c" d', ['a', 'b c', 'd']],
    ['groups single quotes', "a 'b c' d", ['a', 'b c', 'd']],
    ['joins quoted and bare parts of one word', 'KEY="a b"c', ['KEY=a bc']],
    ['keeps an empty double-quoted word', 'a "" b', ['a', '', 'b']],
    ['keeps an empty single-quoted word', "''", ['']],
    ['groups smart double quotes', '“hello world”', ['hello world']],
    ['groups smart single quotes', '‘hello world’', ['hello world']],
    ['groups closing-style smart quotes used on both sides', '”a b” ’c d’', ['a b', 'c d']],
    ['closes a smart double quote with a straight one', '“a b"', ['a b']],
    ['keeps an apostrophe inside a word', 'don’t stop', ['don’t', 'stop']],
    ['keeps smart quotes literally inside straight double quotes', '"say “hi”"', ['say “hi”']],
    ['unescapes a quote inside double quotes', '"a \\"b\\" c"', ['a "b" c']],
    ['unescapes a backslash inside double quotes', '"a\\\\b"', ['a\\b']],
    ['keeps other backslashes inside double quotes', '"C:\\dir"', ['C:\\dir']],
    ['keeps backslashes literally inside single quotes', "'a\\'", ['a\\']],
    ['escapes a space outside quotes', 'a\\ b c', ['a b', 'c']],
    ['escapes a quote outside quotes', "it\\'s", ["it's"]],
    ['keeps a trailing backslash', 'a\\', ['a\\']],
    ['keeps unicode and emoji', 'héllo 🚀x', ['héllo', '🚀x']],
  ])('%s', (_name, text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['double', 'a "b c'],
    ['single', "a 'b"],
    ['smart double', 'a “b'],
    ['smart single', '‘b c'],
    ['escaped closer only', '"a\\"'],
  ])('refuses an unterminated %s quote', (_kind, text) => {
    expectUsageError(() => tokenize(text, 'USAGE'), /has no closing quote/, 'USAGE');
  });

  it('says where the unterminated quote is', () => {
    expectUsageError(
      () => tokenize('-t "web:v1 https://github.com/x'),
      'The " before web:v1 https://githu… has no closing quote; add one (or write \\" for a literal quote).',
    );
  });

  it.each<[string, string, string[]]>([
    ['a link', '<https://github.com/org/app.git#main:src>', ['https://github.com/org/app.git#main:src']],
    ['a labelled link', '<https://x.io/a|click here>', ['https://x.io/a']],
    ['an auto-linked bare domain, as typed', '<http://contoso.azurecr.io|contoso.azurecr.io>', ['contoso.azurecr.io']],
    ['a mailto link, to its label', '<mailto:a@b.io|a@b.io>', ['a@b.io']],
    ['a user mention', '<@U123|alice> <@W9>', ['<@U123>', '<@W9>']],
    ['a channel mention', '<#C123|general>', ['<#C123>']],
    ['a user group mention', '<!subteam^S123|@ops>', ['<!subteam^S123>']],
    ['a special mention', '<!here>', ['<!here>']],
    ['HTML entities', 'a&amp;b &lt;x&gt;', ['a&b', '<x>']],
    ['entities inside a link', '<https://x.io/a.git?a=1&amp;b=2>', ['https://x.io/a.git?a=1&b=2']],
    ['a quoted link', '"<https://x.io/a b|label>"', ['https://x.io/a b']],
  ])('undoes Slack escaping: %s', (_name, text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });

  it('decodes entities once and after unwrapping, so typed markup stays text', () => {
    expect(unescapeSlackText('&lt;https://x|y&gt; &amp;amp;')).toBe('<https://x|y> &amp;');
  });

  it('leaves angle brackets that are not Slack markup alone', () => {
    expect(unescapeSlackText('<not markup>')).toBe('<not markup>');
  });
});
