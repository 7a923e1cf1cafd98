/**
 * `/acr task …` end to end: a task with a commit trigger whose git token comes from Key Vault,
 * listed, shown, run (followed in the thread like a build), triggered by a commit, deleted
 * after confirmation; literal tokens refused without a trace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids, type Harness } from '../../helpers/harness.ts';
import { answer, answered, cardOf, everythingSaid, finished, reg, run, startRegistryHarness, threadText, waitForButton } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const GIT = 'https://github.com/org/app.git';
const CREATE = `task create --name buildwebapp --image webimage:{{.Run.ID}} --context ${GIT} --branch main --file Dockerfile --git-access-token @kv:${reg.patSecret}`;
const taskPath = `${reg.registryId}/tasks/buildwebapp`;

describe('/acr task', () => {
  it('creates a commit-triggered task with the token from Key Vault, lists, shows and runs it, and follows a commit-triggered run', async () => {
    h = await startRegistryHarness({ azure: { queuedMs: 100, buildDurationMs: 800, logLineIntervalMs: 50 } });
    expect(await answer(h, CREATE, ids.carol)).toContain('builder');

    const create = await run(h, CREATE);
    const card = await finished(h, create);
    expect(card).toContain('Task buildwebapp is enabled in contosodev');
    expect(card).toContain('Every commit to main now starts a run');

    // What ARM received: the step, the trigger, and the token read from Key Vault.
    const put = h.azure.requests.find((r) => r.method === 'PUT' && r.path === taskPath)!;
    const body = put.body as {
      location: string;
      properties: {
        step: Record<string, unknown>;
        trigger: {
          sourceTriggers: { sourceRepository: Record<string, unknown>; sourceTriggerEvents: string[]; status: string }[];
          baseImageTrigger: { status: string };
        };
      };
    };
    expect(body.location).toBe('eastus');
    expect(body.properties.step).toMatchObject({
      type: 'Docker',
      contextPath: `${GIT}#main`,
      dockerFilePath: 'Dockerfile',
      imageNames: ['webimage:{{.Run.ID}}'],
      isPushEnabled: true,
    });
    expect(body.properties.trigger.sourceTriggers[0]).toMatchObject({
      sourceTriggerEvents: ['commit'],
      status: 'Enabled',
      sourceRepository: { sourceControlType: 'Github', repositoryUrl: GIT, branch: 'main', sourceControlAuthProperties: { tokenType: 'PAT', token: reg.pat } },
    });
    expect(body.properties.trigger.baseImageTrigger.status).toBe('Enabled');
    expect(h.azure.acr.taskGitToken('contosodev', 'buildwebapp')).toBe(reg.pat);
    expect(h.azure.keyVault.reads('kv-dev', reg.patSecret).length).toBeGreaterThanOrEqual(1);

    const list = await answered(h, await run(h, 'task list', ids.carol));
    expect(list).toContain('1 task:');
    expect(list).toMatch(/buildwebapp\s+Enabled\s+commit \(main\), base image/);

    const shown = await answered(h, await run(h, 'task show --name buildwebapp', ids.carol));
    expect(shown).toContain(`${GIT}#main`);
    expect(shown).toContain('webimage:{{.Run.ID}}');

    const runTask = await run(h, 'task run --name buildwebapp');
    const ran = await finished(h, runTask);
    expect(ran).toContain('Run task buildwebapp');
    expect(ran).toMatch(/ACR run ca1 succeeded/);
    const schedule = h.azure.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/scheduleRun'));
    expect(schedule).toHaveLength(1);
    expect(schedule[0]!.body).toEqual({ type: 'TaskRunRequest', taskId: taskPath });
    // Followed in the thread like /acr build: the log lines arrive as replies.
    expect(threadText(h, runTask)).toMatch(/Step 1\/\d/);

    const commitRun = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: '3f2a9c1e' });
    await h.slack.waitFor(() => h!.azure.acr.run(commitRun)?.properties.status === 'Succeeded', 10_000).catch(() => {});
    const runs = await answered(h, await run(h, 'runs --top 5', ids.carol));
    // ACR's own word for a push, as az lists it (`eventType: 'Commit'`).
    expect(runs).toMatch(new RegExp(`${commitRun}\\s+\\w+\\s+buildwebapp\\s+Commit`));

    const said = await everythingSaid(h);
    expect(said).not.toContain(reg.pat);
  });

  it('refuses a literal git token and leaves no trace of it anywhere', async () => {
    h = await startRegistryHarness();
    const literal = 'ghp_pastedByMistake0123456789abcdefghijk';
    const reply = await answer(h, `task create --name buildwebapp --image web:v1 --context ${GIT} --git-access-token ${literal}`);
    expect(reply).toContain('must be a Key Vault reference, not the token');
    expect(reply).not.toContain(literal);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.azure.requests.filter((r) => r.path.includes('/tasks/'))).toHaveLength(0);
    expect(await everythingSaid(h)).not.toContain(literal);

    // An allowed token missing from the vault fails before anything is created.
    const missing = await run(h, `task create --name buildwebapp --image web:v1 --context ${GIT} --git-access-token @kv:${reg.missingPatSecret}`);
    expect(await finished(h, missing)).toContain(`Key Vault secret ${reg.missingPatSecret} was not found`);
    expect(h.azure.requests.filter((r) => r.method === 'PUT' && r.path.includes('/tasks/'))).toHaveLength(0);
  });

  it('sends what az acr task create sends when commit triggers are off: no source trigger, the token only as the context token', async () => {
    h = await startRegistryHarness();
    await finished(
      h,
      await run(h, `task create --name nightly-a --image web:{{.Run.ID}} --context ${GIT} --commit-trigger-enabled false --base-image-trigger-enabled false`),
    );
    await finished(
      h,
      await run(
        h,
        `task create --name nightly-b --image web:{{.Run.ID}} --context ${GIT} --commit-trigger-enabled false --git-access-token @kv:${reg.patSecret}`,
      ),
    );
    const body = (name: string) =>
      h!.azure.requests.find((r) => r.method === 'PUT' && r.path === `${reg.registryId}/tasks/${name}`)!.body as {
        properties: { step: Record<string, unknown>; trigger: Record<string, unknown> };
      };
    // azure-cli acr/task.py acr_task_create: source triggers only for enabled events, a base image trigger only when enabled.
    expect(body('nightly-a').properties.trigger).toEqual({});
    expect(body('nightly-a').properties.step).not.toHaveProperty('contextAccessToken');
    expect(body('nightly-b').properties.trigger).toEqual({
      baseImageTrigger: { name: 'defaultBaseimageTriggerName', baseImageTriggerType: 'Runtime', updateTriggerPayloadType: 'Default', status: 'Enabled' },
    });
    expect(body('nightly-b').properties.step.contextAccessToken).toBe(reg.pat);
    expect(h.azure.acr.task('contosodev', 'nightly-b')?.sourceTriggers).toEqual([]);
  });

  it('a task create retried after its PUT went through recognises its own task and succeeds', async () => {
    h = await startRegistryHarness();
    // The PUT takes effect but every answer is lost until the SDK gives up: the job is retried.
    h.azure.failNext({ method: 'PUT', path: /\/tasks\/buildwebapp$/, status: 429, retryAfterSeconds: 0, times: 4, afterHandler: true });
    const create = await run(h, CREATE);
    const card = await finished(h, create);
    expect(card).toContain('Task buildwebapp is enabled in contosodev');
    expect(card).not.toContain('already exists');
    expect(h.azure.acr.taskGitToken('contosodev', 'buildwebapp')).toBe(reg.pat);

    // Someone else's task of the same name is still refused.
    const again = await run(h, CREATE, ids.bob);
    expect(await finished(h, again)).toContain('Task buildwebapp already exists in contosodev');
  });

  it('deletes a task only after the requester confirms, and says when there is none', async () => {
    h = await startRegistryHarness();
    await finished(h, await run(h, CREATE));
    const del = await run(h, 'task delete --name buildwebapp');
    const ts = await waitForButton(h, del, 'approval.confirm');
    await h.click('approval.confirm', del, { userId: ids.bob, messageTs: ts, channelId: ids.devChannel });
    await new Promise((r) => setTimeout(r, 500));
    expect(h.azure.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    await h.click('approval.confirm', del, { userId: ids.alice, messageTs: ts, channelId: ids.devChannel });
    expect(await finished(h, del)).toContain('Task buildwebapp was deleted');
    expect(h.azure.acr.task('contosodev', 'buildwebapp')).toBeUndefined();
    expect(h.azure.requests.filter((r) => r.method === 'DELETE' && r.path === taskPath)).toHaveLength(1);

    const dismissed = await run(h, 'task delete --name buildwebapp');
    const ts2 = await waitForButton(h, dismissed, 'approval.dismiss');
    await h.click('approval.confirm', dismissed, { userId: ids.alice, messageTs: ts2, channelId: ids.devChannel });
    expect(await finished(h, dismissed)).toContain('There is no task buildwebapp');
    expect(cardOf(h, dismissed)).toBeDefined();
  });

  it('lists tasks across pages', async () => {
    h = await startRegistryHarness({
      setup: (azure) => {
        azure.acr.taskPageSize = 2;
      },
    });
    for (const name of ['nightly-a', 'nightly-b', 'nightly-c']) {
      await finished(h, await run(h, `task create --name ${name} --image web:${name} --context ${GIT} --commit-trigger-enabled false`));
    }
    const thread = await answered(h, await run(h, 'task list', ids.carol));
    expect(thread).toContain('3 tasks:');
    for (const name of ['nightly-a', 'nightly-b', 'nightly-c']) expect(thread).toMatch(new RegExp(`${name}\\s+Enabled\\s+base image`));
    expect(h.azure.count('GET', /\/tasks$/)).toBe(2);
  });

  it('in an environment with approvers, a task delete waits for an approver other than the requester', async () => {
    h = await startRegistryHarness({ dev: `    approval: { approvers: [${ids.bob}], required: 1, expiresAfter: 1h }` });
    await finished(h, await run(h, `task create --name nightly-x --image web:v1 --context ${GIT} --commit-trigger-enabled false`, ids.bob));
    const del = await run(h, 'task delete --name nightly-x', ids.bob);
    const ts = await waitForButton(h, del, 'approval.approve');
    await h.click('approval.approve', del, { userId: ids.bob, messageTs: ts, channelId: ids.devChannel });
    await h.click('approval.approve', del, { userId: ids.alice, messageTs: ts, channelId: ids.devChannel });
    await new Promise((r) => setTimeout(r, 500));
    expect(h.azure.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(h.azure.acr.task('contosodev', 'nightly-x')).toBeDefined();

    const other = await run(h, `task create --name nightly-y --image web:v1 --context ${GIT} --commit-trigger-enabled false`);
    await finished(h, other);
    const del2 = await run(h, 'task delete --name nightly-y');
    const ts2 = await waitForButton(h, del2, 'approval.approve');
    await h.click('approval.approve', del2, { userId: ids.bob, messageTs: ts2, channelId: ids.devChannel });
    const card = await finished(h, del2);
    expect(card).toContain('Task nightly-y was deleted');
    expect(card).toContain(`Approved by <@${ids.bob}>`);
    expect(h.azure.acr.task('contosodev', 'nightly-y')).toBeUndefined();
    expect(h.azure.acr.task('contosodev', 'nightly-x')).toBeDefined();
  });
});
