import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/core/commands/index.ts';
import { tokenize } from '../../../../src/core/commands/tokenize.ts';
import { catchUsageError } from './expect-usage-error.ts';

const password = 'Zq9!x7Kp2#mW';

describe('an unclosed quote never echoes what may be a secret', () => {
  it.each([
    [
      'a secure variable’s value',
      '/aci',
      `create -n web --image web:v1 --secure-environment-variables DB_PASSWORD='${password}`,
      /The ' that starts the value of DB_PASSWORD has no closing quote/,
    ],
    [
      'a later word of a secure-variables list',
      '/aci',
      `create -n web --image web:v1 --secure-environment-variables A=@kv:a '${password} B=x`,
      /The ' in the values of --secure-environment-variables has no closing quote/,
    ],
    [
      'a git token typed inline',
      '/acr',
      `task create --name t --image i:v1 --context https://github.com/o/r.git --git-access-token="${password}`,
      /The " that starts the value of --git-access-token has no closing quote/,
    ],
    [
      'a git token after its flag',
      '/acr',
      `task create --name t --image i:v1 --context https://github.com/o/r.git --git-access-token "${password}`,
      /The " in the values of --git-access-token has no closing quote/,
    ],
    [
      'a git token after a flag a phone wrote with an em dash',
      '/acr',
      `task create --name t \u2014git-access-token "${password}`,
      /The " in the values of a secret-bearing flag has no closing quote/,
    ],
    [
      'a token half quoted inside a word',
      '/acr',
      `task create --name t --git-access-token ghp${password}'abc`,
      /The ' in the values of --git-access-token has no closing quote/,
    ],
    [
      'a plain variable’s value after =',
      '/aci',
      `create -n web --image web:v1 --environment-variables API_URL=https://x API_KEY="${password} more`,
      /The " that starts the value of API_KEY has no closing quote/,
    ],
    [
      'a build argument',
      '/acr',
      `build -t web:v1 --build-arg NPM_TOKEN='${password} https://github.com/o/r.git`,
      /The ' that starts the value of NPM_TOKEN has no closing quote/,
    ],
    ['a value after = in an odd word', '/acr', `build -t web:v1 --build-arg x.y=\u202e'${password}`, /The ' after an = sign has no closing quote/],
  ])('%s', (_name, command, text, message) => {
    const err = catchUsageError(() => parseCommand(command, text));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(password.slice(0, 4));
    expect(err.message).toMatch(/not repeated here/);
  });

  it('still shows where the quote is when it opens an ordinary value, up to any =', () => {
    expect(catchUsageError(() => tokenize('-t "web:v1 https://github.com/x')).message).toBe(
      'The " before web:v1 https://githu… has no closing quote; add one (or write \\" for a literal quote).',
    );
    const err = catchUsageError(() => tokenize(`-t "v1 --build-arg T=${password}`));
    expect(err.message).toBe('The " before v1 --build-arg T=… has no closing quote; add one (or write \\" for a literal quote).');
  });
});

describe('a usage error never echoes a value that follows =', () => {
  it.each([
    ['/acr', 'build -t web:v1 DB_PASSWORD=hunter2xyz', 'hunter2xyz', /"DB_PASSWORD=…" isn't a git URL/],
    ['/acr', 'build -t web:v1 --no-cache=GITHUB_TOKEN=ghp_abc https://github.com/o/r.git', 'ghp_abc', /not "GITHUB_TOKEN=…"/],
    ['/aci', 'create -n web --image web:v1 --ports API_KEY=abc', 'abc', /not "API_KEY=…"/],
    ['/acr', 'build -t FOO=barbaz https://github.com/o/r.git', 'barbaz', /Image "FOO=…"/],
  ])('%s %s', (command, text, value, message) => {
    const err = catchUsageError(() => parseCommand(command, text));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(value);
  });
});
