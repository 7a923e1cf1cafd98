import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('nothing leaks', () => {
  it('keeps planted secrets out of every Slack call, every log line and every response', async () => {
    const sasSig = 'PLANTEDsasSIG0123456789abcdef';
    const clientSecret = 'PLANTED~client~secret~42';
    const slackToken = 'xoxp-99999-PLANTEDUSERTOKEN';
    const bearer = 'eyJPLANTED.eyJBEARER.sigPLANTED';
    h = await startHarness();
    h.azure.acr.nextRunScenario({
      outcome: 'Failed',
      durationMs: 600,
      logLines: [
        'Step 1/3 : FROM node:20',
        `fetching https://contoso.blob.core.windows.net/artifacts/app.tgz?sv=2021-08-06&sr=b&sig=${sasSig}&se=2030-01-01`,
        `npm config set //registry.npmjs.org/:_authToken=abc client_secret=${clientSecret}`,
        `curl -H "Authorization: Bearer ${bearer}" https://api.example`,
        `echo ${slackToken}`,
        "The command '/bin/sh -c npm ci' returned a non-zero code: 1",
      ],
    });
    const res = await h.command('build -t web:v1 https://github.com/org/app.git#main');
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    await h.slack.waitFor(() => JSON.stringify(h!.slack.messages(ids.devChannel)).includes('Failed') && h!.slack.files.length > 0, 30_000);

    // Everything the product said: Slack API call arguments (the bot token in the auth header
    // is how Slack is meant to get it), files, response_url posts, and its own logs.
    const slackSide = JSON.stringify([h.slack.calls.map((c) => c.args), h.slack.files, h.slack.responses]);
    const logs = h.logs.join('\n');
    const planted = [sasSig, clientSecret, slackToken, bearer, h.botToken, h.signingSecret];
    for (const secret of planted) {
      expect(slackSide, `Slack saw ${secret}`).not.toContain(secret);
      expect(logs, `logs contain ${secret}`).not.toContain(secret);
    }
    // The product's own Azure credential and every log SAS it was given stay private too.
    const issuedSigs = h.azure.requests
      .filter((r) => r.kind === 'blob')
      .map((r) => String(r.query.sig ?? ''))
      .filter(Boolean);
    expect(issuedSigs.length).toBeGreaterThan(0);
    for (const sig of new Set(issuedSigs)) {
      expect(slackSide).not.toContain(sig);
      expect(logs).not.toContain(sig);
    }
    // The audit trail (Redis stream) too.
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toContain('command.acr.build');
    for (const secret of [...planted, ...issuedSigs]) expect(audit).not.toContain(secret);
    // Job data is stored in clear text in Redis: no SAS URL or secret is persisted there either.
    const jobHash = JSON.stringify(await h.redis.hgetall(`chatops:jobs:${jobId}`));
    for (const secret of [...planted, ...issuedSigs]) expect(jobHash).not.toContain(secret);
    // The redacted log is still useful: the failure reason is shown.
    expect(slackSide).toContain('returned a non-zero code');
  });
});
