/**
 * slack-manifest.yaml asks for exactly the bot scopes the code uses: every Web API method
 * called in src/ maps to its scope (the "Scopes" line of each method's page on
 * docs.slack.dev/reference/methods), and no scope is asked for that nothing uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/** Bot scopes each method needs. A method not listed here fails the test until it is. */
const scopesOf: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  // filesUploadV2 = files.getUploadURLExternal + files.completeUploadExternal.
  filesUploadV2: ['files:write'],
  'usergroups.users.list': ['usergroups:read'],
  // Public channels need channels:read, private ones groups:read.
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.open': ['im:write'],
  // Looking up a card whose post may have gone through, in a channel, private channel or DM.
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.update': [],
  // The Home tab: no scope (slack-api-ref docs.slack.dev/methods/views.publish.json, "scopes": {}); the manifest enables the tab instead.
  'views.publish': [],
};
/** Scopes for features rather than calls: slash commands, and posting in public channels the bot has not joined. */
const featureScopes = ['commands', 'chat:write.public'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function methodsCalled(): Set<string> {
  const called = new Set<string>();
  for (const file of [...sources(join(root, 'src')), ...sources(join(root, 'jobs'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.(auth|chat|files|usergroups|conversations|users|views)\.(\w+(?:\.\w+)?)\(/g)) called.add(`${m[1]}.${m[2]}`);
    if (text.includes('filesUploadV2(')) called.add('filesUploadV2');
  }
  return called;
}

describe('slack-manifest.yaml', () => {
  it('asks for exactly the bot scopes the code uses', () => {
    const manifest = parse(readFileSync(join(root, 'slack-manifest.yaml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
    const called = methodsCalled();
    expect(
      [...called].filter((m) => !(m in scopesOf)),
      'methods without a known scope',
    ).toEqual([]);
    const needed = new Set([...featureScopes, ...[...called].flatMap((m) => scopesOf[m]!)]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
