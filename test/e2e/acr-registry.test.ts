import { afterEach, describe, expect, it } from 'vitest';
import { dmChannelOf } from '../emulators/slack/index.ts';
import { answerText, privateAnswer } from '../helpers/answers.ts';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function cardOf(harness: Harness, jobId: string) {
  return harness.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId));
}

async function run(harness: Harness, text: string, userId: string = ids.alice): Promise<string> {
  const res = await harness.command(text, { userId });
  const body = replyOf(res);
  const jobId = /`(j[0-9a-z]{12})`/.exec(body.text)?.[1];
  expect(jobId, body.text).toBeDefined();
  return jobId!;
}

async function finished(harness: Harness, jobId: string): Promise<string> {
  // The status label, not the title: "Runs of … (Failed)" is a filter, not an outcome.
  await harness.slack
    .waitFor(() => /\*:(white_check_mark|x): (Succeeded|Failed)\*/.test(JSON.stringify(cardOf(harness, jobId)?.blocks ?? [])), 20_000)
    .catch((err: unknown) => {
      throw new Error(
        `job ${jobId} never finished: ${JSON.stringify(cardOf(harness, jobId)?.blocks ?? [])} ${harness.logs
          .filter((l) => l.includes('"level":50') || l.includes('"level":40'))
          .slice(-3)
          .join('\n')}`,
        { cause: err },
      );
    });
  const card = cardOf(harness, jobId)!;
  await harness.slack
    .waitFor(() => harness.slack.thread(ids.devChannel, card.ts).length > 0 || harness.slack.files.some((f) => f.threadTs === card.ts), 5000)
    .catch(() => {});
  return JSON.stringify(card.blocks);
}

describe('/acr runs, logs and cancel', () => {
  it('lists recent runs (filtered too) and attaches a run’s log', async () => {
    h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 600, logLineIntervalMs: 50 } });
    const build = await run(h, 'build -t web:v1 https://github.com/org/app.git#main');
    await finished(h, build);

    const list = answerText(await privateAnswer(h, await run(h, 'runs --top 5')));
    expect(list).toContain('The most recent run:');
    expect(list).toMatch(/ca1\s+Succeeded/);
    expect(h.azure.requests.some((r) => r.method === 'GET' && r.path.endsWith('/runs') && r.query.$top === '5')).toBe(true);

    const logs = answerText(await privateAnswer(h, await run(h, 'logs ca1')));
    expect(logs).toContain('Run ca1 is Succeeded.');
    // Too long for a message: the whole log is a file in the asker's DM, not in the channel.
    expect(logs).toContain('in a file in our DM');
    const file = await h.slack.waitFor(() => h!.slack.files.find((f) => f.filename === 'run-ca1.log'), 5000);
    expect(file.channel).toBe(dmChannelOf(ids.alice));
    expect(file.content).toMatch(/Step 1\/\d/);

    const missing = await h.command('logs nope!', { userId: ids.alice });
    expect(replyOf(missing).text).toContain("isn't a run id");

    const filtered = answerText(await privateAnswer(h, await run(h, 'runs --status Failed')));
    expect(filtered).toContain('No runs with status Failed');
  });

  it('reads a run’s log from its logArtifactLink when ACR gives one, as az does', async () => {
    h = await startHarness({ azure: { queuedMs: 50, buildDurationMs: 300, logLineIntervalMs: 50 } });
    const runId = h.azure.acr.startRun('contosodev', { imageNames: ['web:v3'], logTemplate: 'acr/logs:{{.Run.ID}}' });
    await h.slack.waitFor(() => h!.azure.acr.run(runId)!.properties.status === 'Succeeded', 5000);
    // A lookup: the answer is private, and the log goes to the asker's DM as a file.
    const logs = answerText(await privateAnswer(h, await run(h, `logs ${runId}`)));
    expect(logs).toContain(`Run ${runId} is Succeeded`);
    const file = await h.slack.waitFor(() => h!.slack.files.find((f) => f.filename === `run-${runId}.log`), 5000);
    expect(file.channel).toBe(dmChannelOf(ids.alice));
    expect(file.content).toContain(`Run ID: ${runId} was successful`);
    expect(h.azure.count('GET', /^\/acrlogartifacts\//)).toBe(1);
    expect(h.azure.count('*', /^\/acrlogs\//)).toBe(0); // not the append blob
  });

  it('/acr cancel follows the Cancel button’s rule: the requester or an admin cancels someone else’s run', async () => {
    h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 20_000, logLineIntervalMs: 200 } });
    const build = await run(h, 'build -t web:v2 https://github.com/org/app.git#main');
    await h.slack.waitFor(() => JSON.stringify(cardOf(h!, build)?.blocks ?? []).includes('ACR run ca1 started'), 10_000);
    const someoneElses = 'to cancel jobs that someone else started';
    for (const user of [ids.bob, ids.carol]) {
      const refused = await h.command('cancel ca1', { userId: user }); // bob builds too, carol only watches
      expect(replyOf(refused).text).toContain('*admin* role');
      expect(replyOf(refused).text).toContain(someoneElses);
    }
    const outside = h.azure.acr.startRun('contosodev', { imageNames: ['laptop:v1'] }); // no job of the bot started it
    expect(replyOf(await h.command(`cancel ${outside}`, { userId: ids.alice })).text).toContain('*admin* role');
    expect(h.azure.count('POST', /\/cancel$/)).toBe(0);
    const audit = (await h.redis.xrange('chatops:audit', '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { action: string; outcome: string });
    expect(audit.filter((e) => e.action === 'command.acr.cancel' && e.outcome === 'refused')).toHaveLength(3);

    const cancel = await run(h, 'cancel ca1'); // alice started it
    expect(await finished(h, cancel)).toContain('Run ca1 was canceled');
    expect(h.azure.count('POST', /\/runs\/ca1\/cancel$/)).toBe(1);
    await h.slack.waitFor(() => JSON.stringify(cardOf(h!, build)?.blocks ?? []).includes(`canceled by <@${ids.alice}>`), 10_000);

    const admin = await run(h, `cancel ${outside}`, ids.admin);
    expect(await finished(h, admin)).toContain(`Run ${outside} was canceled`);
  });
});

describe('/acr repository', () => {
  it('lists repositories, and tags with their digests', async () => {
    h = await startHarness({ registries: 'emulator' });
    const v1 = h.azure.registryData.pushTag('contosodev', 'team/web', 'v1');
    await new Promise((r) => setTimeout(r, 20));
    const v2 = h.azure.registryData.pushTag('contosodev', 'team/web', 'v2');
    h.azure.registryData.pushTag('contosodev', 'api', 'v1');

    const repos = answerText(await privateAnswer(h, await run(h, 'repository list', ids.carol)));
    expect(repos).toContain('2 repositories:');
    expect(repos).toMatch(/api\\nteam\/web/);

    const thread = answerText(await privateAnswer(h, await run(h, 'repository show-tags team/web --top 10', ids.carol)));
    expect(thread).toContain('Tags of team/web in contosodev');
    expect(thread).toContain('2 tags, newest first:');
    expect(thread).toContain(v1);
    expect(thread).toContain(v2);
  });
});
