import { describe, expect, it } from 'vitest';
import { validateImageReference, type ImageReference } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

const FORM = 'image references look like [registry/]repository[:tag][@sha256:<64 hex>], e.g. contosoreg.azurecr.io/team/web:v1';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('validateImageReference', () => {
  it.each<[string, ImageReference]>([
    ['web', { repository: 'web' }],
    ['web:v1', { repository: 'web', tag: 'v1' }],
    ['team/web:1.2.3-rc_1', { repository: 'team/web', tag: '1.2.3-rc_1' }],
    ['library/ubuntu', { repository: 'library/ubuntu' }],
    ['contosoreg.azurecr.io/team/web:v1', { registry: 'contosoreg.azurecr.io', repository: 'team/web', tag: 'v1' }],
    ['localhost/web', { registry: 'localhost', repository: 'web' }],
    ['localhost:5000/web:latest', { registry: 'localhost:5000', repository: 'web', tag: 'latest' }],
    ['[::1]:5000/web', { registry: '[::1]:5000', repository: 'web' }],
    ['My-Registry.example.com/web', { registry: 'My-Registry.example.com', repository: 'web' }],
    [`web@${DIGEST}`, { repository: 'web', digest: DIGEST }],
    [`ghcr.io/org/web:v1@${DIGEST}`, { registry: 'ghcr.io', repository: 'org/web', tag: 'v1', digest: DIGEST }],
    ['a__b/c.d/e---f', { repository: 'a__b/c.d/e---f' }],
    [`web:${'T'.repeat(128)}`, { repository: 'web', tag: 'T'.repeat(128) }],
    ['web:_private', { repository: 'web', tag: '_private' }],
  ])('parses %j', (text, expected) => {
    expect(expectValid(validateImageReference(text))).toStrictEqual(expected);
  });

  it('allows {{.Run.ID}} in the tag only when asked', () => {
    expect(expectValid(validateImageReference('web:{{.Run.ID}}', { allowRunId: true }))).toStrictEqual({ repository: 'web', tag: '{{.Run.ID}}' });
    expect(expectValid(validateImageReference('web:v1-{{.Run.ID}}', { allowRunId: true })).tag).toBe('v1-{{.Run.ID}}');
    expectProblem(validateImageReference('web:{{.Run.ID}}'), 'has an invalid tag', FORM);
  });

  it.each([
    ['', 'The image is empty'],
    ['web app', 'has spaces, control or non-ASCII characters'],
    ['wéb', 'has spaces, control or non-ASCII characters'],
    ['web\u0000', 'has spaces, control or non-ASCII characters'],
    ['Web:v1', "did you mean 'web:v1'?"],
    ['Team/Web', "did you mean 'team/web'?"],
    ['contosoreg.azurecr.io/Team/web:v1', "did you mean 'contosoreg.azurecr.io/team/web:v1'?"],
    ['web_/x', 'has an invalid repository'],
    ['-web', 'has an invalid repository'],
    ['web..x', 'has an invalid repository'],
    ['web___x', 'has an invalid repository'],
    ['team//web', 'has an invalid repository'],
    ['/web', 'has an invalid repository'],
    [':v1', 'has an invalid repository'],
    ['contosoreg.azurecr.io/', 'has an invalid repository'],
    // Docker's rule makes a first part with a '.' the registry host.
    ['../../etc/passwd', 'has an invalid registry host'],
    ['-bad-.io/web', 'has an invalid registry host'],
    ['localhost:port/web', 'has an invalid registry host'],
    ['localhost:/web', 'has an invalid registry host'],
    ['web:', 'has an invalid tag'],
    ['web:.v1', 'has an invalid tag'],
    ['web:-v1', 'has an invalid tag'],
    [`web:${'t'.repeat(129)}`, 'has an invalid tag'],
    ['web:v1:v2', 'has an invalid repository'],
    ['web@sha256:abc', 'has an invalid digest'],
    [`web@sha256:${'A'.repeat(64)}`, 'has an invalid digest'],
    [`web@md5:${'a'.repeat(32)}`, 'has an invalid digest'],
    [`web@${DIGEST}@${DIGEST}`, "has more than one '@'"],
    [`${'a'.repeat(256)}:v1`, 'is longer than 255 characters before the tag'],
    ['$(rm -rf /):v1', 'has spaces, control or non-ASCII characters'],
    ['`id`:v1', 'has an invalid repository'],
  ])('refuses %j, showing the valid form', (text, why) => {
    expectProblem(validateImageReference(text), why, FORM);
  });

  it('cuts a long reference in the problem', () => {
    const problem = expectProblem(validateImageReference(`${'a'.repeat(300)}:v1`), FORM);
    expect(problem).toContain(`'${'a'.repeat(40)}…'`);
    expect(problem.length).toBeLessThan(300);
  });
});
