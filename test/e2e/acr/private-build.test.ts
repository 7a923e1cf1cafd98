/**
 * `/acr build` from a private git repository. ACR's quick build (DockerBuildRequest) has no git
 * credential, so such a build fails while ACR downloads its source; with
 * `--git-access-token @kv:NAME` the bot builds through a one-off task that carries the token as
 * its context token, runs it (TaskRunRequest) and removes it afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../../helpers/harness.ts';
import { answer, everythingSaid, finished, reg, run, startRegistryHarness, threadText } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const PRIVATE = 'https://github.com/org/private-app.git';

function start(): Promise<Harness> {
  return startRegistryHarness({
    azure: { queuedMs: 100, buildDurationMs: 600, logLineIntervalMs: 50 },
    setup: (azure) => {
      azure.acr.addPrivateRepository(PRIVATE, [reg.pat]);
      azure.keyVault.setSecret('kv-dev', 'db-password', 'Zq9!x7Kp2#mW');
    },
  });
}

describe('/acr build from a private repository', () => {
  it('without a token fails while ACR downloads the source, and the card says the repository may be private and what to pass', async () => {
    h = await start();
    const job = await run(h, `build -t app:v1 ${PRIVATE}#main`);
    const card = await finished(h, job);
    expect(card).toContain('Failed');
    await h.slack.waitFor(() => threadText(h!, job).includes('--git-access-token @kv:'), 10_000);
    const thread = threadText(h, job);
    expect(thread).toContain('failed to download context');
    expect(thread).toContain('private');
    expect(thread).toContain('--git-access-token @kv:');
    expect(thread).not.toContain('ACR uses its own access');
  });

  it('with --git-access-token builds through a one-off task that carries the token, then removes the task', async () => {
    h = await start();
    const job = await run(h, `build -t app:v1 ${PRIVATE}#main --git-access-token @kv:${reg.patSecret}`);
    const card = await finished(h, job);
    expect(card).toContain('Succeeded');
    expect(card).toContain(`Key Vault secret ${reg.patSecret}`);

    const put = h.azure.requests.filter((r) => r.method === 'PUT' && r.path.includes('/tasks/'));
    expect(put).toHaveLength(1);
    const taskPath = put[0]!.path;
    expect(taskPath).toBe(`${reg.registryId}/tasks/chatops-build-${job}`);
    const body = put[0]!.body as { tags: Record<string, string>; properties: { step: Record<string, unknown>; trigger: Record<string, unknown> } };
    expect(body.properties.step).toMatchObject({
      type: 'Docker',
      contextPath: `${PRIVATE}#main`,
      contextAccessToken: reg.pat,
      imageNames: ['app:v1'],
      dockerFilePath: 'Dockerfile',
      isPushEnabled: true,
    });
    expect(body.properties.trigger).toEqual({});
    expect(body.tags).toEqual({ 'chatops-job': job });
    const scheduled = h.azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/scheduleRun'));
    expect(scheduled.map((r) => r.body)).toEqual([{ type: 'TaskRunRequest', taskId: taskPath }]);

    await h.slack.waitFor(() => h!.azure.acr.task('contosodev', `chatops-build-${job}`) === undefined, 10_000);
    expect(h.azure.requests.filter((r) => r.method === 'DELETE' && r.path === taskPath)).toHaveLength(1);
    expect(await everythingSaid(h)).not.toContain(reg.pat);
    // Who handed which token to ACR is on the audit trail (the name, never the value).
    expect(JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'))).toContain(`gitTokenName\\":\\"${reg.patSecret}`);
  });

  it('with a token that cannot read the repository, says to check the token', async () => {
    h = await start();
    const job = await run(h, `build -t app:v1 ${PRIVATE} --git-access-token @kv:${reg.missingPatSecret}`);
    expect(await finished(h, job)).toContain(`Key Vault secret ${reg.missingPatSecret} was not found`);
    h.azure.keyVault.setSecret('kv-dev', reg.missingPatSecret, 'ghp_revokedLongAgo0123456789abcdefghijkl');
    const again = await run(h, `build -t app:v1 ${PRIVATE} --git-access-token @kv:${reg.missingPatSecret}`);
    expect(await finished(h, again)).toContain('Failed');
    // The explanation comes with the log file, after the card.
    await h.slack.waitFor(() => threadText(h!, again).includes(`git token ${reg.missingPatSecret}`), 10_000);
  });

  it('refuses a token the environment does not allow for the host, before anything is queued', async () => {
    h = await start();
    const foreign = await answer(h, `build -t app:v1 https://gitlab.com/org/app.git --git-access-token @kv:${reg.patSecret}`);
    expect(foreign).toContain('may only go to github.com');
    const unlisted = await answer(h, `build -t app:v1 ${PRIVATE} --git-access-token @kv:db-password`);
    expect(unlisted).toContain('gitAccessTokens');
    expect(unlisted).not.toContain('db-password');
    const literal = await answer(h, `build -t app:v1 ${PRIVATE} --git-access-token ghp_pastedByMistake0123456789abcdefghijk`);
    expect(literal).toContain('must be a Key Vault reference');
    expect(literal).not.toContain('ghp_pastedByMistake');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.azure.requests.filter((r) => r.kind === 'arm')).toEqual([]);
    expect(h.azure.keyVault.reads('kv-dev', 'db-password')).toHaveLength(0);
    expect(await h.redis.keys('chatops:jobs:j*')).toEqual([]);
    expect(ids.devChannel).toBeDefined();
  });
});
