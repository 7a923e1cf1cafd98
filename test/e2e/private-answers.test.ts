/**
 * Quiet by default: a lookup answers the person who asked and nobody else, with a Share in
 * channel button that posts the same answer publicly, checked when it is clicked. Changes to
 * Azure keep their public card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dmChannelOf } from '../emulators/slack/index.ts';
import { answerText, ask, privateAnswer, shareButtonOf, type AnswerBody } from '../helpers/answers.ts';
import { ids, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const dev = { userId: ids.alice, channelId: ids.devChannel };

async function builtOnce(harness: Harness): Promise<void> {
  const { jobId } = await ask(harness, 'build -t web:v1 https://github.com/org/app.git#main', dev);
  await harness.slack.waitFor(() => JSON.stringify(harness.slack.messages(ids.devChannel)).includes('Succeeded') && jobId, 20_000);
}

function responsesAfter(harness: Harness, index: number): AnswerBody[] {
  return harness.slack.responses.slice(index).map((r) => r.body as AnswerBody);
}

describe('read-only queries answer privately', () => {
  it('answers /acr runs to the asker alone, in good English, and shares it in the channel on request', async () => {
    h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 400, logLineIntervalMs: 50 } });
    await builtOnce(h);
    const channelBefore = h.slack.allMessages(ids.devChannel).length;

    const { jobId, ack } = await ask(h, 'runs --top 5', dev);
    expect(ack).toContain('only you will see the answer');
    const answer = await privateAnswer(h, jobId);
    expect(answer.body.response_type).toBe('ephemeral');
    const text = answerText(answer);
    expect(text).toContain('The most recent run:');
    expect(text).not.toMatch(/1 most recent run|run[^s]* are /);
    expect(text).toMatch(/ca1\s+Succeeded/);
    // Nothing in the channel: no card, no thread, no file.
    expect(h.slack.allMessages(ids.devChannel)).toHaveLength(channelBefore);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.devChannel)).toHaveLength(channelBefore);

    const share = shareButtonOf(answer);
    expect(share).toBe(jobId);
    const before = h.slack.responses.length;
    await h.click('answer.share', share!, { userId: ids.alice, channelId: ids.devChannel, messageTs: '1.000001' });
    const shared = await h.slack.waitFor(() => responsesAfter(h!, before).find((b) => b.response_type === 'in_channel'), 5000);
    expect(JSON.stringify(shared)).toMatch(/ca1\s+Succeeded/);
    expect(JSON.stringify(shared)).toContain(`Shared by <@${ids.alice}>`);
    expect(shareButtonOf({ body: shared })).toBeUndefined();
    // The private copy loses its button.
    const replaced = await h.slack.waitFor(() => responsesAfter(h!, before).find((b) => b.replace_original === true), 5000);
    expect(shareButtonOf({ body: replaced })).toBeUndefined();
    expect(JSON.stringify(replaced)).toContain('You shared this in the channel');

    // A second click shares nothing more.
    const again = h.slack.responses.length;
    await h.click('answer.share', share!, { userId: ids.alice, channelId: ids.devChannel, messageTs: '1.000001' });
    await h.slack.waitFor(() => responsesAfter(h!, again).some((b) => b.text.includes('already shared')), 5000);
    expect(responsesAfter(h, again).filter((b) => b.response_type === 'in_channel')).toHaveLength(0);
    const audit = (await h.redis.xrange('chatops:audit', '-', '+')).map(([, f]) => f.join(' '));
    expect(audit.filter((e) => e.includes('answer.share') && e.includes('succeeded'))).toHaveLength(1);
  });

  it('checks Share in channel at click time: someone without the role cannot share', async () => {
    h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 400, logLineIntervalMs: 50 } });
    const { jobId } = await ask(h, 'show --env prod', { userId: ids.alice, channelId: ids.prodChannel });
    const answer = await privateAnswer(h, jobId);
    expect(answerText(answer)).toContain('contosoprod is a Standard registry');
    const before = h.slack.responses.length;
    // carol is no viewer of prod.
    await h.click('answer.share', shareButtonOf(answer)!, { userId: ids.carol, channelId: ids.prodChannel, messageTs: '1.000001' });
    const refused = await h.slack.waitFor(() => responsesAfter(h!, before).find((b) => b.text.includes('viewer')), 5000);
    expect(refused.response_type).toBe('ephemeral');
    expect(responsesAfter(h, before).filter((b) => b.response_type === 'in_channel')).toHaveLength(0);
  });

  it('says when the answer is too old to share', async () => {
    h = await startHarness();
    await h.click('answer.share', 'j0000000000ab', { userId: ids.alice, channelId: ids.devChannel, messageTs: '1.000001' });
    await h.slack.waitFor(() => h!.slack.responses.some((r) => JSON.stringify(r.body).includes('no longer keep this answer')), 5000);
  });

  it('sends a long answer as a file in the asker’s DM, and shares it as a file in the channel', async () => {
    h = await startHarness({ registries: 'emulator' });
    for (let i = 0; i < 120; i++) h.azure.registryData.pushTag('contosodev', `team/service-with-a-long-name-${String(i).padStart(3, '0')}`, 'v1');
    const { jobId } = await ask(h, 'repository list', dev);
    const answer = await privateAnswer(h, jobId);
    expect(answerText(answer)).toContain('120 repositories:');
    expect(answerText(answer)).toContain('in a file in our DM');
    const dm = dmChannelOf(ids.alice);
    const file = await h.slack.waitFor(() => h!.slack.files.find((f) => f.channel === dm), 5000);
    expect(file.content).toContain('team/service-with-a-long-name-119');
    expect(h.slack.files.filter((f) => f.channel === ids.devChannel)).toHaveLength(0);

    await h.click('answer.share', shareButtonOf(answer)!, { userId: ids.alice, channelId: ids.devChannel, messageTs: '1.000001' });
    const shared = await h.slack.waitFor(() => h!.slack.files.find((f) => f.channel === ids.devChannel), 5000);
    expect(shared.content).toBe(file.content);
    expect(shared.initialComment).toContain(`Shared by <@${ids.alice}>`);
  });

  it('answers in a DM when the command’s response_url no longer takes posts', async () => {
    h = await startHarness();
    const late = h.slack.responseUrl('late-1');
    h.slack.ageResponseUrl(late, 31 * 60_000);
    const { jobId } = await ask(h, 'show', { ...dev, responseUrl: late });
    const dm = dmChannelOf(ids.alice);
    const message = await h.slack.waitFor(() => h!.slack.messages(dm).find((m) => JSON.stringify(m.blocks).includes(jobId)), 20_000);
    expect(JSON.stringify(message.blocks)).toContain('contosodev is a Standard registry');
    expect(JSON.stringify(message.blocks)).toContain('too late');
    expect(h.slack.messages(ids.devChannel)).toHaveLength(0);
  });

  it('keeps the public card for what changes Azure: /acr cancel', async () => {
    h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 20_000, logLineIntervalMs: 200 } });
    await ask(h, 'build -t web:v2 https://github.com/org/app.git#main', dev);
    await h.slack.waitFor(() => h!.azure.count('POST', /\/scheduleRun$/) === 1, 10_000);
    const { jobId, ack } = await ask(h, 'cancel ca1', dev);
    expect(ack).toContain('its card');
    await h.slack.waitFor(() => JSON.stringify(h!.slack.messages(ids.devChannel)).includes('Run ca1 was canceled') && jobId, 20_000);
  });
});
