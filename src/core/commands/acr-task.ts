import type { TaskDefinition } from '../build/task.ts';
import { checkTimeout, parseBuildArgs } from './acr-build.ts';
import { optionalEnvironment, parseDockerfilePath, parseImageName } from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { parseGitSource, parseGitTokenReference } from './git-source.ts';
import { DEFAULT_PLATFORM, parsePlatform } from './platform.ts';
import { quoted } from './quoted.ts';
import { role, type RoleRequirement } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';
import { ACR_TASK_SUBSCRIBE_USAGE } from './acr-task-subscribe.ts';

/** `/acr task create|list|show|run|delete`, as `az acr task …`. */
export type AcrTaskCommand =
  | { kind: 'acr.task.create'; task: TaskDefinition; environment?: string }
  | { kind: 'acr.task.list'; environment?: string }
  | { kind: 'acr.task.show'; name: string; environment?: string }
  | { kind: 'acr.task.run'; name: string; environment?: string }
  | { kind: 'acr.task.delete'; name: string; environment?: string };

export const ACR_TASK_USAGE = [
  'Usage: `/acr task create --name NAME --image REPO:TAG --context GIT_URL [--branch main] [--file Dockerfile] [--git-access-token @kv:SECRET-NAME] [--commit-trigger-enabled true|false] [--base-image-trigger-enabled true|false] [--platform linux/amd64] [--build-arg KEY=VALUE] [--timeout SECONDS]`',
  '`/acr task list`, `/acr task show --name NAME`, `/acr task run --name NAME` (followed in the thread like a build), `/acr task delete --name NAME` (asks for confirmation). All take `--env ENVIRONMENT`.',
  'A commit trigger needs a git personal access token, given as a Key Vault reference (`@kv:SECRET-NAME`: a secret the environment lists under gitAccessTokens for the repository’s host), never the token itself.',
  ACR_TASK_SUBSCRIBE_USAGE.replace(/^Usage: /, ''),
  'Example: `/acr task create --name buildwebapp --image webimage:{{.Run.ID}} --context https://github.com/org/app.git --branch main --file Dockerfile --git-access-token @kv:github-pat`',
].join('\n');

const ENV_FLAG = { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' } as const;
export const ACR_TASK_FLAGS = [
  { name: 'name', short: 'n', kind: 'string', valueName: 'NAME' },
  { name: 'image', short: 't', kind: 'string', repeatable: true, valueName: 'REPO:TAG' },
  { name: 'context', short: 'c', kind: 'string', valueName: 'GIT_URL' },
  { name: 'branch', kind: 'string', valueName: 'BRANCH' },
  { name: 'file', short: 'f', kind: 'string', valueName: 'DOCKERFILE' },
  { name: 'git-access-token', kind: 'string', valueName: '@kv:SECRET-NAME' },
  { name: 'commit-trigger-enabled', kind: 'string', valueName: 'true|false' },
  { name: 'base-image-trigger-enabled', kind: 'string', valueName: 'true|false' },
  { name: 'platform', kind: 'string', valueName: 'OS/ARCH' },
  { name: 'build-arg', kind: 'keyValue', repeatable: true, valueName: 'KEY=VALUE' },
  { name: 'timeout', kind: 'integer', valueName: 'SECONDS' },
  ENV_FLAG,
] as const satisfies readonly FlagSpec[];
const NAME_FLAGS = [{ name: 'name', short: 'n', kind: 'string', valueName: 'NAME' }, ENV_FLAG] as const satisfies readonly FlagSpec[];

// ACR task names: 5–50 letters, digits, '-' and '_'.
const TASK_NAME = /^[A-Za-z0-9_-]{5,50}$/;
// Git branch names as `git check-ref-format --branch` allows them, minus the rare forms.
const BRANCH = /^(?![-/.])(?!.*(\.\.|@\{|\/\/|\.lock$|[/.]$))[^\s\u0000-\u001f\u007f~^:?*[\\]{1,250}$/;

function parseTaskName(text: string | undefined, verb: string, usage: string): string {
  if (text === undefined) throw new UsageError(`Name the task with --name, e.g. /acr task ${verb} --name buildwebapp.`, usage);
  if (!TASK_NAME.test(text)) throw new UsageError(`${quoted(text)} isn't a valid task name: use 5–50 letters, digits, - and _.`, usage);
  return text;
}

function parseSwitch(flag: string, text: string | undefined, fallback: boolean, usage: string): boolean {
  if (text === undefined) return fallback;
  if (!/^(true|false)$/i.test(text)) throw new UsageError(`--${flag} takes true or false, not ${quoted(text)}.`, usage);
  return text.toLowerCase() === 'true';
}

function sourceControlOf(url: string): TaskDefinition['sourceControl'] {
  const host = new URL(url).hostname.toLowerCase();
  if (host === 'github.com') return 'Github';
  if (host === 'dev.azure.com' || host.endsWith('.visualstudio.com')) return 'VisualStudioTeamService';
  return undefined;
}

export function parseAcrTaskCreate(tokens: string[]): AcrTaskCommand {
  const usage = ACR_TASK_USAGE;
  const { values, positionals } = parseFlags(tokens, ACR_TASK_FLAGS, usage);
  if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: give the git URL with --context.`, usage);
  const name = parseTaskName(values.name, 'create', usage);
  const images = values.image ?? [];
  if (images.length === 0) throw new UsageError('Name the image the task builds with --image REPO:TAG, e.g. --image web:{{.Run.ID}}.', usage);
  if (values.context === undefined) throw new UsageError('Give the git repository with --context, e.g. --context https://github.com/org/app.git.', usage);
  const source = parseGitSource(values.context, usage);
  if (values.branch !== undefined && source.ref !== undefined && values.branch !== source.ref) {
    throw new UsageError(`The branch is given twice (--branch ${quoted(values.branch)} and #${quoted(source.ref)} in --context); give it once.`, usage);
  }
  const branch = values.branch ?? source.ref ?? 'main';
  if (!BRANCH.test(branch)) throw new UsageError(`${quoted(branch)} isn't a valid git branch name.`, usage);
  const commitTrigger = parseSwitch('commit-trigger-enabled', values['commit-trigger-enabled'], true, usage);
  const baseImageTrigger = parseSwitch('base-image-trigger-enabled', values['base-image-trigger-enabled'], true, usage);
  const gitTokenSecret = values['git-access-token'] === undefined ? undefined : parseGitTokenReference(values['git-access-token'], usage);
  const sourceControl = sourceControlOf(source.url);
  if (commitTrigger && sourceControl === undefined) {
    throw new UsageError('ACR commit triggers work with GitHub and Azure DevOps repositories only; add --commit-trigger-enabled false for this one.', usage);
  }
  if (commitTrigger && gitTokenSecret === undefined) {
    throw new UsageError(
      'A commit trigger needs a git access token so ACR can register the webhook: add --git-access-token @kv:SECRET-NAME (the token in the environment’s Key Vault), or --commit-trigger-enabled false.',
      usage,
    );
  }
  const task: TaskDefinition = {
    name,
    images: [...new Set(images.map((image) => parseImageName(image, usage)))],
    repositoryUrl: source.url,
    branch,
    file: values.file === undefined ? 'Dockerfile' : parseDockerfilePath(values.file, usage),
    platform: values.platform === undefined ? { ...DEFAULT_PLATFORM } : parsePlatform(values.platform, usage),
    buildArgs: parseBuildArgs(values['build-arg'] ?? [], usage),
    commitTrigger,
    baseImageTrigger,
  };
  if (source.subfolder !== undefined) task.subfolder = source.subfolder;
  if (gitTokenSecret !== undefined) task.gitTokenSecret = gitTokenSecret;
  if (sourceControl !== undefined) task.sourceControl = sourceControl;
  if (values.timeout !== undefined) task.timeoutSeconds = checkTimeout(values.timeout, usage);
  return { kind: 'acr.task.create', task, ...optionalEnvironment(values.env, usage) };
}

export function parseAcrTask(tokens: string[]): AcrTaskCommand {
  const [verb, ...rest] = tokens;
  const usage = ACR_TASK_USAGE;
  const action = verb?.toLowerCase();
  if (action === 'create') return parseAcrTaskCreate(rest);
  if (action === 'list') {
    const { values, positionals } = parseFlags(rest, [ENV_FLAG], usage);
    if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: /acr task list takes only --env.`, usage);
    return { kind: 'acr.task.list', ...optionalEnvironment(values.env, usage) };
  }
  if (action === 'show' || action === 'run' || action === 'delete') {
    const { values, positionals } = parseFlags(rest, NAME_FLAGS, usage);
    // `az acr task show NAME` is refused by az too, but the intent is plain: take it.
    const [first, extra] = positionals;
    if (extra !== undefined || (first !== undefined && values.name !== undefined)) throw new UsageError(`Give one task, with --name.`, usage);
    return { kind: `acr.task.${action}` as const, name: parseTaskName(values.name ?? first, action, usage), ...optionalEnvironment(values.env, usage) };
  }
  throw new UsageError(`${verb === undefined ? 'Say what to do' : `Unknown ${quoted(verb)}`}: /acr task create, list, show, run or delete.`, usage);
}

const taskVerb = <V extends 'list' | 'show' | 'run' | 'delete'>(verb: V, flags: readonly FlagSpec[], requires: RoleRequirement) =>
  defineCommand({
    command: '/acr',
    words: ['task', verb],
    flags,
    usage: ACR_TASK_USAGE,
    help: verb === 'list' || verb === 'show' ? HELP_LINES.registryLook : HELP_LINES.tasks,
    action: `acr.task.${verb}`,
    requires,
    parse: (tokens) => parseAcrTask([verb, ...tokens]),
  });

/** `/acr task create|list|show|run|delete`, declared once each. */
export const ACR_TASK_SPECS = [
  defineCommand({
    command: '/acr',
    words: ['task', 'create'],
    flags: ACR_TASK_FLAGS,
    usage: ACR_TASK_USAGE,
    help: HELP_LINES.tasks,
    action: 'acr.task.create',
    requires: role('builder', 'create ACR tasks'),
    parse: parseAcrTaskCreate,
  }),
  taskVerb('list', [ENV_FLAG], role('viewer', 'list ACR tasks')),
  taskVerb('show', NAME_FLAGS, role('viewer', 'see ACR tasks')),
  taskVerb('run', NAME_FLAGS, role('builder', 'run ACR tasks')),
  taskVerb('delete', NAME_FLAGS, role('builder', 'delete ACR tasks')),
];
