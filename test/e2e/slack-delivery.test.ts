/**
 * Slack delivery end to end, through signed requests: the card deleted mid-build, an upload
 * Slack refuses on a failed build, a token revoked mid-run, and a worker killed right after it
 * posted a card. Slack's own limits are on in the emulator throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

const source = 'https://github.com/org/app.git#main:src';
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function queueBuild(harness: Harness, text: string, channelId: string = ids.devChannel): Promise<string> {
  const res = await harness.command(`build ${text}`, { channelId });
  const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)?.[1];
  expect(jobId, JSON.stringify(res.json)).toBeDefined();
  return jobId!;
}

/** Messages anywhere in the channel (cards reposted into a thread included) whose blocks name the job. */
function cardsOf(harness: Harness, channel: string, jobId: string) {
  return harness.slack.allMessages(channel).filter((m) => m.subtype !== 'tombstone' && JSON.stringify(m.blocks ?? []).includes(jobId));
}

function finalCard(harness: Harness, channel: string, jobId: string, status: string) {
  return cardsOf(harness, channel, jobId).find((m) => JSON.stringify(m.blocks).includes(status));
}

async function readyz(harness: Harness): Promise<{ status: number; body: { notReady: string[]; checks: { name: string; ok: boolean; detail?: string }[] } }> {
  const res = await fetch(`${harness.botUrl.replace(/\/slack\/events$/, '')}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

/** When the emulator's run that pushed `tag` finished (ms). */
function runEnd(harness: Harness, tag: string): number {
  const run = harness.azure.acr.runs().find((r) => r.properties.outputImages?.some((i) => i.tag === tag))!;
  return Date.parse(run.properties.finishTime!);
}

describe('Slack delivery end to end', () => {
  it("card deleted mid-build: the final state reaches the thread, calls stay few, and another job's output is not delayed", async () => {
    h = await startHarness({ azure: { queuedMs: 200, buildDurationMs: 6000, logLineIntervalMs: 200 } });
    const deleted = await queueBuild(h, `-t web:deleted ${source}`);
    await h.slack.waitFor(() => {
      const card = cardsOf(h!, ids.devChannel, deleted)[0];
      return card && h!.slack.thread(ids.devChannel, card.ts).length > 0;
    }, 20_000);
    const parent = cardsOf(h, ids.devChannel, deleted)[0]!.ts;
    h.slack.deleteMessage(ids.devChannel, parent);
    const deletedAt = Date.now();
    const other = await queueBuild(h, `-t web:other ${source}`, ids.otherChannel);

    await h.slack.waitFor(() => finalCard(h!, ids.devChannel, deleted, 'Succeeded'), 30_000);
    // The fresh card went into the thread that survived the deletion, with the final state.
    expect(h.slack.thread(ids.devChannel, parent).some((m) => JSON.stringify(m.blocks).includes('Succeeded'))).toBe(true);
    const refused = h.slack.calls.filter((c) => c.time >= deletedAt && c.error === 'message_not_found');
    expect(refused.length).toBeLessThanOrEqual(2);
    expect(h.slack.calls.filter((c) => c.time >= deletedAt && c.method === 'chat.update' && c.args.ts === parent).length).toBeLessThanOrEqual(2);

    await h.slack.waitFor(() => finalCard(h!, ids.otherChannel, other, 'Succeeded'), 30_000);
    const shown = h.slack.messages(ids.otherChannel).find((m) => JSON.stringify(m.blocks).includes(other))!;
    const finalAt = shown.history.at(-1)?.replacedAt ?? Date.now();
    expect(finalAt - runEnd(h, 'other')).toBeLessThan(5000);
  });

  it('upload refused on a failed build: the card says Failed with the reason, and the thread has the log tail and where the full log is', async () => {
    h = await startHarness({
      // A public channel the bot never joined: chat:write.public posts, uploads answer not_in_channel.
      setup: (_azure, slack) => slack.addChannel(ids.devChannel, { isMember: false }),
    });
    const jobId = await queueBuild(h, `-t will-fail:v1 ${source}`);
    await h.slack.waitFor(() => finalCard(h!, ids.devChannel, jobId, 'Failed'), 30_000);
    const card = finalCard(h, ids.devChannel, jobId, 'Failed')!;
    expect(JSON.stringify(card.blocks)).toMatch(/run \w+ failed/i);
    expect(JSON.stringify(card.blocks)).not.toContain('job.cancel');
    const runId = h.azure.acr.runs()[0]!.properties.runId;
    await h.slack.waitFor(() => h!.slack.thread(ids.devChannel, card.ts).some((m) => m.text.includes(`/acr logs ${runId}`)), 15_000);
    const thread = h.slack
      .thread(ids.devChannel, card.ts)
      .map((m) => m.text)
      .join('\n');
    expect(thread).toMatch(/Build failed/);
    expect(thread).toContain('returned a non-zero code');
    expect(h.slack.calls.some((c) => c.method === 'files.completeUploadExternal' && c.error === 'not_in_channel')).toBe(true);
  });

  it('token revoked mid-run: sending halts without losing anything, and resumes when the token works again', async () => {
    h = await startHarness({ azure: { queuedMs: 200, buildDurationMs: 5000, logLineIntervalMs: 200 }, env: { CHATOPS_SLACK_PROBE_MS: '500' } });
    const jobId = await queueBuild(h, `-t web:revoked ${source}`);
    await h.slack.waitFor(
      () => cardsOf(h!, ids.devChannel, jobId)[0] && h!.slack.thread(ids.devChannel, cardsOf(h!, ids.devChannel, jobId)[0]!.ts).length > 0,
      20_000,
    );
    h.slack.breakToken(h.botToken, 'token_revoked');
    const revokedAt = Date.now();
    await new Promise((r) => setTimeout(r, 7000)); // the build ends while the token is dead
    const during = h.slack.calls.filter((c) => c.time >= revokedAt);
    expect(during.filter((c) => c.method !== 'auth.test').length).toBeLessThanOrEqual(2);
    expect(h.logs.some((l) => l.includes('"level":50') && l.includes('token_revoked'))).toBe(true);
    // A halted outbox is not ready, and says why and what to do.
    const halted = await readyz(h);
    expect(halted.status).toBe(503);
    expect(halted.body.notReady).toContain('slack-delivery');
    expect(halted.body.checks.find((c) => c.name === 'slack-delivery')?.detail).toMatch(/token_revoked.*everything stays queued/);

    h.slack.restoreToken(h.botToken);
    await h.slack.waitFor(() => finalCard(h!, ids.devChannel, jobId, 'Succeeded'), 20_000);
    const card = cardsOf(h, ids.devChannel, jobId)[0]!;
    await h.slack.waitFor(
      () =>
        h!.slack
          .thread(ids.devChannel, card.ts)
          .map((m) => m.text)
          .join('\n')
          .includes('successful'),
      10_000,
    );
    expect((await readyz(h)).body.checks.find((c) => c.name === 'slack-delivery')?.ok).toBe(true);
  });

  it('one card per job when the worker dies right after posting it', async () => {
    h = await startHarness({ worker: 'child', azure: { queuedMs: 200, buildDurationMs: 3000, logLineIntervalMs: 200 } });
    // The card is posted, but the worker never hears back: it is killed while waiting.
    h.slack.loseAnswer({ method: 'chat.postMessage', holdMs: 20_000 });
    const jobId = await queueBuild(h, `-t web:once ${source}`);
    await h.slack.waitFor(() => cardsOf(h!, ids.devChannel, jobId).length === 1, 20_000);
    await h.killWorker();
    await h.startWorker();
    await h.slack.waitFor(() => finalCard(h!, ids.devChannel, jobId, 'Succeeded'), 40_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.slack.messages(ids.devChannel).filter((m) => JSON.stringify(m.blocks).includes(jobId))).toHaveLength(1);
  });
});
