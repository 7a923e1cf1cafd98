import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/core/commands/index.ts';
import { ACR_REPLICATION_USAGE, ACR_UPDATE_USAGE } from '../../../../src/core/commands/acr-admin.ts';
import { ACR_TASK_USAGE } from '../../../../src/core/commands/acr-task.ts';
import { ACR_TOKEN_USAGE, DEFAULT_TOKEN_EXPIRATION_DAYS } from '../../../../src/core/commands/acr-token.ts';
import { expectUsageError } from './expect-usage-error.ts';

const acr = (text: string) => parseCommand('/acr', text);
const GIT = 'https://github.com/org/app.git';

describe('/acr show, update, replication', () => {
  it.each<[string, object]>([
    ['show', { kind: 'acr.show' }],
    ['show --env prod', { kind: 'acr.show', environment: 'prod' }],
    ['update --admin-enabled false', { kind: 'acr.update', adminEnabled: false }],
    ['update --admin-enabled TRUE --env dev', { kind: 'acr.update', adminEnabled: true, environment: 'dev' }],
    ['replication create --location japaneast', { kind: 'acr.replication.create', location: 'japaneast' }],
    ['replication create -l "Japan East"', { kind: 'acr.replication.create', location: 'japaneast' }],
    ['replication list', { kind: 'acr.replication.list' }],
    ['replication delete --location westeurope --env prod', { kind: 'acr.replication.delete', location: 'westeurope', environment: 'prod' }],
  ])('/acr %s', (text, expected) => {
    expect(acr(text)).toEqual(expected);
  });

  it.each<[string, RegExp, string]>([
    ['update --env dev', /--admin-enabled true or --admin-enabled false/, ACR_UPDATE_USAGE],
    ['update --admin-enabled maybe', /takes true or false, not "maybe"/, ACR_UPDATE_USAGE],
    ['replication create', /Give the location with --location/, ACR_REPLICATION_USAGE],
    ['replication create --location "japan/east"', /isn't an Azure location/, ACR_REPLICATION_USAGE],
    ['replication list --location japaneast', /takes no --location/, ACR_REPLICATION_USAGE],
    ['replication move --location japaneast', /Unknown "move"/, ACR_REPLICATION_USAGE],
  ])('refuses /acr %s', (text, message, usage) => {
    expectUsageError(() => acr(text), message, usage);
  });
});

describe('/acr task', () => {
  it('parses az acr task create flags, with the branch from --branch or #ref', () => {
    const parsed = acr(
      `task create --name buildwebapp --image webimage:{{.Run.ID}} --context ${GIT} --branch main --file Dockerfile --git-access-token @kv:github-pat`,
    );
    expect(parsed).toEqual({
      kind: 'acr.task.create',
      task: {
        name: 'buildwebapp',
        images: ['webimage:{{.Run.ID}}'],
        repositoryUrl: GIT,
        branch: 'main',
        file: 'Dockerfile',
        platform: { os: 'Linux', architecture: 'amd64' },
        buildArgs: [],
        commitTrigger: true,
        baseImageTrigger: true,
        gitTokenSecret: 'github-pat',
        sourceControl: 'Github',
      },
    });
    const fromRef = acr(`task create -n nightly -t api:v1 -c ${GIT}#release:src --commit-trigger-enabled false --base-image-trigger-enabled false`);
    expect(fromRef).toMatchObject({ task: { branch: 'release', subfolder: 'src', commitTrigger: false, baseImageTrigger: false } });
    expect(fromRef).not.toHaveProperty('task.gitTokenSecret');
  });

  it.each<[string, object]>([
    ['task list', { kind: 'acr.task.list' }],
    ['task show --name buildwebapp', { kind: 'acr.task.show', name: 'buildwebapp' }],
    ['task run -n buildwebapp --env dev', { kind: 'acr.task.run', name: 'buildwebapp', environment: 'dev' }],
    ['task delete buildwebapp', { kind: 'acr.task.delete', name: 'buildwebapp' }],
  ])('/acr %s', (text, expected) => {
    expect(acr(text)).toEqual(expected);
  });

  it('refuses a literal git token without echoing it', () => {
    const literal = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const err = expectUsageError(
      () => acr(`task create -n buildwebapp -t web:v1 -c ${GIT} --git-access-token ${literal}`),
      /must be a Key Vault reference, not the token/,
      ACR_TASK_USAGE,
    );
    expect(err.message).not.toContain(literal);
    expect(err.message).not.toContain('ghp_');
  });

  it.each<[string, RegExp]>([
    [`task create -n buildwebapp -t web:v1 -c ${GIT}`, /A commit trigger needs a git access token/],
    [`task create -n buildwebapp -t web:v1 -c https://gitlab.com/org/app.git --git-access-token @kv:pat`, /GitHub and Azure DevOps repositories only/],
    [`task create -n buildwebapp -c ${GIT} --commit-trigger-enabled false`, /Name the image the task builds/],
    [`task create -n buildwebapp -t web:v1 --commit-trigger-enabled false`, /Give the git repository with --context/],
    [`task create -n abc -t web:v1 -c ${GIT} --commit-trigger-enabled false`, /isn't a valid task name/],
    [`task create -n buildwebapp -t web:v1 -c ${GIT}#main --branch dev --commit-trigger-enabled false`, /The branch is given twice/],
    [`task create -n buildwebapp -t web:v1 -c ${GIT} --git-access-token @kv:bad_name`, /Key Vault secret names are 1–127 letters/],
    ['task run', /Name the task with --name/],
    ['task show -n one two', /Give one task/],
    ['task rename -n buildwebapp', /Unknown "rename"/],
  ])('refuses /acr %s', (text, message) => {
    expectUsageError(() => acr(text), message, ACR_TASK_USAGE);
  });
});

describe('/acr token', () => {
  it('parses --repository groups as az does, with a default expiry', () => {
    expect(acr('token create --name ci-pull --repository web content/read metadata/read --repository team/api content/read --expiration-in-days 30')).toEqual({
      kind: 'acr.token.create',
      token: 'ci-pull',
      repositories: [
        { repository: 'web', actions: ['content/read', 'metadata/read'] },
        { repository: 'team/api', actions: ['content/read'] },
      ],
      expirationDays: 30,
    });
    expect(acr('token create -n ci-push --repository web content/write')).toMatchObject({ expirationDays: DEFAULT_TOKEN_EXPIRATION_DAYS });
    expect(acr('token list --env prod')).toEqual({ kind: 'acr.token.list', environment: 'prod' });
    expect(acr('token rotate --name ci-pull')).toEqual({ kind: 'acr.token.rotate', token: 'ci-pull' });
  });

  it.each<[string, RegExp]>([
    ['token create --name ci-pull', /Say what the token may do with --repository/],
    ['token create --name ci-pull --repository web', /Give the actions for web/],
    ['token create --name ci-pull --repository web content/push', /"content\/push" isn't a repository action/],
    ['token create --name ci-pull --repository Web content/read', /isn't a repository name/],
    ['token create --name ci-pull --repository web content/read --repository web metadata/read', /was given twice/],
    ['token create --name ci-pull --repository web content/read --expiration-in-days 0', /takes 1–730/],
    ['token create --repository web content/read', /Name the token with --name/],
    ['token list --name ci-pull', /takes only --env/],
    ['token rotate --name ci-pull --repository web content/read', /takes only --name and --env/],
    ['token delete --name ci-pull', /Unknown "delete"/],
  ])('refuses /acr %s', (text, message) => {
    expectUsageError(() => acr(text), message, ACR_TOKEN_USAGE);
  });

  it('answers a bare /acr update or /acr token with their usage', () => {
    expect(acr('update')).toEqual({ kind: 'help', topic: '/acr update', usage: ACR_UPDATE_USAGE });
    expect(acr('token')).toEqual({ kind: 'help', topic: '/acr token', usage: ACR_TOKEN_USAGE });
  });
});
