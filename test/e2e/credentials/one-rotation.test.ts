/**
 * One rotation per credential at a time: two requests for the same credential (buttons,
 * commands, auto-rotation, by id or by name) start one rotation, and the other requester is
 * told which job is already rotating it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, type Harness } from '../../helpers/harness.ts';
import { cardEnds, cardsIn, cardWith, cred, onlyFreshSecret, rotate, scanNow, startCredentialHarness, startTokenHarness } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const JOB_ID = /`(j[0-9a-z]{12})`/;
const addPasswordCalls = (harness: Harness) => harness.azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/addPassword')).length;
/** Sends the same command twice at once; exactly one is queued and the other names its job, which is returned. */
async function twiceAtOnce(harness: Harness, text: string, command: '/sp' | '/acr'): Promise<string> {
  const answers = await Promise.all([1, 2].map(async () => replyOf(await harness.command(text, { command, userId: ids.admin, channelId: ids.devChannel }))));
  const queued = answers.filter((a) => a.text.includes('queued as job'));
  const refused = answers.filter((a) => a.text.includes('already being rotated'));
  expect([queued.length, refused.length], JSON.stringify(answers)).toEqual([1, 1]);
  const jobId = JOB_ID.exec(queued[0]!.text)![1]!;
  expect(refused[0]!.text).toContain(jobId);
  return jobId;
}

const rotationCards = (harness: Harness, channel: string) =>
  cardsIn(harness, channel).filter((m) => JSON.stringify(m.blocks ?? []).includes('Rotate secret of'));

describe('one rotation per credential at a time', () => {
  it('two Rotate clicks on one secret start one rotation; the second click is told which job has it', async () => {
    // Propagation keeps the first rotation busy long enough for the second click to meet it.
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      prepare: (azure) => {
        azure.graph.propagationMs = 1500;
      },
    });
    await scanNow(h, 'scan-twice');
    await h.slack.waitFor(() => cardWith(h!, cred.alertChannel, 'credential.rotate'), 20_000);
    const alert = cardWith(h, cred.alertChannel, 'credential.rotate')!;
    const value = /"value":"([^"]+#\d+)"/.exec(JSON.stringify(alert.blocks))![1]!;
    await Promise.all(
      ['a', 'b'].map((n) =>
        h!.click('credential.rotate', value, { userId: ids.admin, messageTs: alert.ts, channelId: cred.alertChannel, triggerId: `1000.2000.${n}` }),
      ),
    );
    const answers = () => h!.slack.responses.map((r) => JSON.stringify(r.body)).filter((b) => b.includes('build-pipeline'));
    await h.slack.waitFor(() => answers().length === 2, 10_000);
    const started = answers().find((a) => a.includes('Rotating the secret'))!;
    const refused = answers().find((a) => a.includes('already being rotated'))!;
    expect(refused, JSON.stringify(answers())).toBeDefined();
    const jobId = JOB_ID.exec(started)![1]!;
    expect(refused).toContain(jobId);

    await cardEnds(h, jobId, 'Succeeded', cred.alertChannel);
    expect(rotationCards(h, cred.alertChannel)).toHaveLength(1);
    expect(addPasswordCalls(h)).toBe(1);
    await onlyFreshSecret(h);
    const audit = await h.redis.xrange('chatops:audit', '-', '+');
    expect(JSON.stringify(audit)).toContain('rotation_in_progress');
  });

  it('/sp rotate twice at once: one job rotates, the other command names it; once it is done a new rotation may start', async () => {
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      prepare: (azure) => {
        azure.graph.propagationMs = 1500;
      },
    });
    const jobId = await twiceAtOnce(h, `rotate --app ${cred.pipelineApp}`, '/sp');
    await cardEnds(h, jobId, 'Succeeded');
    await onlyFreshSecret(h);

    // Finished: the credential is free again.
    const next = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    expect(next).not.toBe(jobId);
    await cardEnds(h, next, 'Succeeded');
    expect(addPasswordCalls(h)).toBe(2);
  });

  it('a rotation asked for by app name while another runs stops before adding anything, naming the running job', async () => {
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      prepare: (azure) => {
        azure.graph.propagationMs = 3000;
      },
    });
    const first = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    // The first one has added and stored its secret and waits for Entra ID.
    await h.slack.waitFor(() => addPasswordCalls(h!) === 1, 10_000);
    const second = await rotate(h, 'rotate --app build-pipeline');
    await cardEnds(h, second, 'Failed');
    const card = JSON.stringify(cardWith(h, ids.devChannel, second)!.blocks);
    expect(card).toContain('already being rotated');
    expect(card).toContain(first);
    await cardEnds(h, first, 'Succeeded');
    expect(addPasswordCalls(h)).toBe(1);
    await onlyFreshSecret(h);
  });

  it('auto-rotation leaves a secret alone while another rotation has it, and says which', async () => {
    h = await startCredentialHarness({
      credentials: '  gracePeriod: 1s',
      app: '      autoRotate: true\n      rotateBeforeDays: 14',
      prepare: (azure) => {
        azure.graph.propagationMs = 3000;
      },
    });
    const manual = await rotate(h, `rotate --app ${cred.pipelineApp}`);
    await h.slack.waitFor(() => addPasswordCalls(h!) === 1, 10_000);
    await scanNow(h, 'scan-while-rotating');
    await h.slack.waitFor(() => cardWith(h!, cred.alertChannel, 'already being rotated'), 20_000);
    expect(JSON.stringify(cardWith(h, cred.alertChannel, 'already being rotated')!.blocks)).toContain(manual);
    await cardEnds(h, manual, 'Succeeded');
    expect(rotationCards(h, cred.alertChannel)).toHaveLength(0);
    expect(addPasswordCalls(h)).toBe(1);
  });

  it('two /acr token rotate at once: one rotation of the token, the other told which job has it', async () => {
    h = await startTokenHarness();
    const jobId = await twiceAtOnce(h, 'token rotate --name ci-pull', '/acr');
    await cardEnds(h, jobId, 'Succeeded');
    const generated = h.azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/generateCredentials'));
    expect(generated).toHaveLength(1);
    expect(h.azure.acr.token('contosodev', 'ci-pull')!.passwords.map((p) => p.name)).toEqual(['password2']);
  });
});
