import { afterEach, describe, expect, it } from 'vitest';
import { ids, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const textOf = (res: { json?: unknown }) => (res.json as { text: string }).text;

describe('hostile input through signed Slack requests', () => {
  it.each([
    ['/acr', 'build -t web:v1 --env constructor https://github.com/org/app.git#main'],
    ['/aci', 'create -n web --image web:v1 --env constructor'],
    ['/acr', 'runs --env constructor'],
  ])('%s %s: an environment named after an Object.prototype key does not exist', async (command, text) => {
    h = await startHarness();
    const res = await h.command(text, { command, userId: ids.admin });
    expect(textOf(res)).toContain('There is no environment called "constructor"');
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.redis.keys('chatops:jobs:j*')).length).toBe(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
