import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactDeep, redactText } from '../../../src/core/redact.ts';

// Shapes as the services issue them (lengths and alphabets from their docs), values made up.
const ghp = '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';
const gho = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
const ghs = 'ghs_Yr8kQz3nT0vW2xA5bC7dE9fG1hJ4kL6mN8pQ';
const ghu = 'ghu_Aq1Sw2De3Fr4Gt5Hy6Ju7Ki8Lo9Pz0Xc1Vb2N';
const fineGrained = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456';
const npmToken = 'npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const accountKey = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYg==';
const sharedAccessKey = 'q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvW=';
const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkNvbnRvc28ifQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const pemBody = [
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  'LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo',
];
const pem = ['-----BEGIN RSA PRIVATE KEY-----', ...pemBody, '-----END RSA PRIVATE KEY-----'];

describe('redaction of build and container log lines', () => {
  it.each([
    ['a classic token echoed in a BuildKit step', `#8 0.412 + echo ${ghp}`, [ghp]],
    ['an OAuth token exported in a RUN line', `Step 5/9 : RUN export GITHUB_TOKEN=${gho} && make`, [gho]],
    ['an installation token in a clone URL', `Cloning into 'app'... https://x-access-token:${ghs}@github.com/org/app.git`, [ghs]],
    ['a user-to-server token in a JSON log', `{"level":"info","msg":"refreshed","token":"${ghu}"}`, [ghu]],
    ['a fine-grained token in an error', `remote: Permission to org/app.git denied to ${fineGrained}.`, [fineGrained]],
    ['an npm token in npm config', `Step 3/8 : RUN npm config set //registry.npmjs.org/:_authToken=${npmToken}`, [npmToken]],
    ['an npm _authToken in a printed .npmrc', `//npm.pkg.github.com/:_authToken="${ghp}"`, [ghp]],
    ['npm basic auth', '_auth=dXNlcjpodW50ZXIy', ['dXNlcjpodW50ZXIy']],
    [
      'a storage connection string',
      `AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=contosologs;AccountKey=${accountKey};EndpointSuffix=core.windows.net`,
      [accountKey, accountKey.slice(0, 20)],
    ],
    [
      'a Service Bus connection string',
      `connecting Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${sharedAccessKey}`,
      [sharedAccessKey],
    ],
    ['an api_key query parameter', 'GET https://api.example.com/v1/report?api_key=sk_live_51HxYzAbC&format=json 200', ['sk_live_51HxYzAbC']],
    ['an apikey in YAML', '  apikey: 0c9f7e2a5b4d4e1f', ['0c9f7e2a5b4d4e1f']],
    ['an x-api-key header', 'request headers: {"x-api-key":"9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d"}', ['9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d']],
    ['a JWT in a container log', `2024-05-01T10:00:00.123Z INFO id_token=${jwt} accepted`, [jwt, jwt.split('.')[1]!]],
    ['a JWT in JSON', `{"idToken":"${jwt}"}`, [jwt.split('.')[2]!]],
    ['a secret-named environment variable in a Dockerfile step', 'Step 2/7 : ENV NPM_TOKEN=s3cr3tValue1', ['s3cr3tValue1']],
  ])('removes %s', (_name, line, secrets) => {
    const out = redactText(line);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted');
  });

  it('removes a private key printed by a build step, and keeps the lines around it', () => {
    const log = ['Step 6/9 : RUN cat /run/secrets/deploy_key', ' ---> Running in 4f1c2b3a', ...pem, 'Removing intermediate container 4f1c2b3a'].join('\n');
    const out = redactText(log);
    for (const line of pemBody) expect(out).not.toContain(line);
    expect(out).toContain('Step 6/9 : RUN cat /run/secrets/deploy_key');
    expect(out).toContain('Removing intermediate container 4f1c2b3a');
  });

  it('removes a private key whose lines carry BuildKit prefixes, of any PEM kind', () => {
    for (const kind of ['', 'EC ', 'OPENSSH ', 'ENCRYPTED ']) {
      const log = [
        `#9 0.101 -----BEGIN ${kind}PRIVATE KEY-----`,
        ...pemBody.map((l, i) => `#9 0.10${i + 2} ${l}`),
        `#9 0.109 -----END ${kind}PRIVATE KEY-----`,
        '#9 DONE 0.2s',
      ].join('\n');
      const out = redactText(log);
      for (const line of pemBody) expect(out).not.toContain(line);
      expect(out).toContain('#9 DONE 0.2s');
    }
  });

  it('removes the part of a private key that a log batch cut in two', () => {
    // Logs reach Slack in batches, and a batch may start or end inside a key.
    const head = redactText(`Step 6/9 : RUN cat key.pem\n${pem.slice(0, 3).join('\n')}`);
    const tail = redactText(`${pem.slice(3).join('\n')}\nStep 7/9 : COPY . .`);
    expect(head).not.toContain(pemBody[0]!);
    expect(head).not.toContain(pemBody[1]!);
    expect(head).toContain('Step 6/9 : RUN cat key.pem');
    expect(tail).not.toContain(pemBody[2]!);
    expect(tail).toContain('Step 7/9 : COPY . .');
  });

  it('keeps what people need to read: digests, commit ids, key names, vault references', () => {
    const lines = [
      'web:v1: digest: sha256:3b2c84c5e1f0a9a5a4d9c0e5c1b7c1a3e8d2f6b4a9c0d1e2f3a4b5c6d7e8f9a0 size: 1573',
      'HEAD is now at 9fceb02d0ae598e95dc970b74767f19372d61af8 Fix the build',
      'Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=',
      '/acr task create --git-access-token @kv:github-pat',
      'Classic tokens start with ghp_ and fine-grained ones with github_pat_.',
      'secretName: db-password',
      'Using API version 2019-06-01-preview',
    ];
    for (const line of lines) expect(redactText(line)).toBe(line);
  });
});

describe('redaction cost', () => {
  // Inputs shaped to make a backtracking pattern go quadratic: each prefix of a pattern
  // repeated, with the anchor that lets the text past the cheap pre-check. Linear patterns
  // finish these in milliseconds; a quadratic one would run for hours and time the test out.
  it.each([
    ['dotted words (URL schemes)', `${'a.'.repeat(250_000)} secret`],
    ['JWT-like runs without dots', `${'eyJ-'.repeat(125_000)} token`],
    ['private key headers that never finish', '-----BEGIN RSA '.repeat(35_000)],
    ['key names without values', `${'password '.repeat(55_000)}`],
    ['connection string keys without values', 'AccountKey'.repeat(50_000)],
    ['token prefixes', `${'ghp_a '.repeat(80_000)}`],
    ['URLs with user names but no password', `${'https://user@'.repeat(40_000)} secret`],
  ])('stays linear on %s', (_name, text) => {
    expect(typeof redactText(text)).toBe('string');
  });

  it('keeps planted secrets out of long random text, and is stable when run twice', () => {
    const noise = fc.string({ unit: fc.constantFrom(...'abcXYZ019 .:/=_-+;"\'\n@#$eyJghp_'.split('')), maxLength: 20_000 });
    fc.assert(
      fc.property(
        noise,
        noise,
        fc.constantFrom(ghp, fineGrained, npmToken, jwt, `AccountKey=${accountKey}`, `api_key=${sharedAccessKey}`),
        (before, after, secret) => {
          const out = redactText(`${before}\n${secret}\n${after}`);
          const value = secret.includes('=') ? secret.slice(secret.indexOf('=') + 1) : secret;
          expect(out).not.toContain(value);
          expect(redactText(out)).toBe(out);
        },
      ),
      { numRuns: 200 },
    );
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
