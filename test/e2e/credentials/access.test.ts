/** Who may see and start credential work: rotations belong to no environment, token rotations to theirs. */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, type Harness } from '../../helpers/harness.ts';
import { cardEnds, cardWith, cred, rotate, scanNow, startTokenHarness } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const say = async (harness: Harness, text: string, userId: string) =>
  replyOf(await harness.command(text, { command: '/ops', userId, channelId: ids.devChannel })).text;

/** Clicks Rotate on the token row of a fresh alert, as the admin in the alert channel; returns the answer. */
async function rotateTokenFromAlert(harness: Harness): Promise<string> {
  await scanNow(harness, 'scan-token-button');
  await harness.slack.waitFor(() => cardWith(harness, cred.alertChannel, 'registry token contosodev/ci-pull'), 20_000);
  const alert = cardWith(harness, cred.alertChannel, 'registry token contosodev/ci-pull')!;
  const value = /"value":"([^"]+#\d+)"/.exec(JSON.stringify(alert.blocks))![1]!;
  const before = harness.slack.responses.length;
  await harness.click('credential.rotate', value, { userId: ids.admin, messageTs: alert.ts, channelId: cred.alertChannel });
  await harness.slack.waitFor(() => harness.slack.responses.length > before, 10_000);
  return JSON.stringify(harness.slack.responses.at(-1)!.body);
}

describe('credential jobs and access', () => {
  it('/ops job shows rotations (no environment) to admins only, token rotations to their environment’s viewers', async () => {
    h = await startTokenHarness();
    const rotation = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await cardEnds(h, rotation, 'Succeeded');
    // alice is a viewer in dev (viewer: "*"), the default environment.
    const refused = await say(h, `job ${rotation}`, ids.alice);
    expect(refused).toContain('admin');
    expect(refused).not.toContain('rotate-secret');
    expect(await say(h, `job ${rotation}`, ids.admin)).toContain('rotate-secret');

    const token = /`(j[0-9a-z]{12})`/.exec(
      replyOf(await h.command('token rotate --name ci-pull', { command: '/acr', userId: ids.admin, channelId: ids.devChannel })).text,
    )![1]!;
    expect(await say(h, `job ${token}`, ids.alice)).toContain('rotate-token');
  });

  it('the Rotate button of a registry token works from an alert channel the environment allows', async () => {
    h = await startTokenHarness({ access: `  channels: { dev: [${ids.devChannel}, ${cred.alertChannel}] }` });
    const answer = await rotateTokenFromAlert(h);
    expect(answer).toContain('Rotating registry token');
    const jobId = /`(j[0-9a-z]{12})`/.exec(answer)![1]!;
    await cardEnds(h, jobId, 'Succeeded', cred.alertChannel);
  });

  it('the Rotate button of a registry token is refused from a channel the environment does not allow, saying where', async () => {
    h = await startTokenHarness({ access: `  channels: { dev: [${ids.devChannel}] }` });
    const answer = await rotateTokenFromAlert(h);
    expect(answer).toContain('only accepted in');
    expect(answer).toContain(ids.devChannel);
    expect(h.azure.requests.filter((r) => r.path.endsWith('/generateCredentials'))).toHaveLength(0);
  });
});
