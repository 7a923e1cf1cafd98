import { role } from '../access/requirement.ts';
import { TASK_NAME } from '../validation/task-name.ts';
import { optionalEnvironment } from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { HELP_LINES } from './help-lines.ts';
import { quoted } from './quoted.ts';
import { defineCommand } from './spec.ts';

/** `/acr task subscribe|unsubscribe`: which channel hears about a task's runs (a push, a trigger, the portal). */
export type AcrTaskSubscriptionCommand =
  | { kind: 'acr.task.subscribe'; name: string; channel?: string; environment?: string }
  | { kind: 'acr.task.unsubscribe'; name: string; environment?: string };

export const ACR_TASK_SUBSCRIBE_USAGE = [
  'Usage: `/acr task subscribe --name NAME [--channel #CHANNEL] [--env ENVIRONMENT]`, `/acr task unsubscribe --name NAME [--env ENVIRONMENT]`',
  'Every run of the task (a commit pushed, a base image updated, a timer, a run from the portal) gets a card in the channel (default: this one) and is followed like `/acr build`. Tasks named under `tasks:` in chatops.yaml are announced already and cannot be unsubscribed here.',
  'Example: `/acr task subscribe --name buildwebapp --channel #web-dev`',
].join('\n');

export const ACR_TASK_SUBSCRIBE_FLAGS = [
  { name: 'name', short: 'n', kind: 'string', valueName: 'NAME' },
  { name: 'channel', kind: 'string', valueName: '#CHANNEL' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
] as const satisfies readonly FlagSpec[];

/** A channel as Slack sends it in command text (`<#C123>` once unescaped) or as a bare id. */
function parseChannel(text: string, usage: string): string {
  const id = /^<#([CG][A-Z0-9]{2,20})>$/.exec(text)?.[1] ?? (/^[CG][A-Z0-9]{2,20}$/.test(text) ? text : undefined);
  if (!id) throw new UsageError(`${quoted(text)} isn't a channel: pick one with # (e.g. --channel #web-dev), or give its id (C0123ABC).`, usage);
  return id;
}

function parseName(text: string | undefined, verb: string, usage: string): string {
  if (text === undefined) throw new UsageError(`Name the task with --name, e.g. /acr task ${verb} --name buildwebapp.`, usage);
  if (!TASK_NAME.test(text)) throw new UsageError(`${quoted(text)} isn't a valid task name: use 5–50 letters, digits, - and _.`, usage);
  return text;
}

/** Parses the words after `subscribe` / `unsubscribe`. */
export function parseAcrTaskSubscription(verb: 'subscribe' | 'unsubscribe', tokens: string[]): AcrTaskSubscriptionCommand {
  const usage = ACR_TASK_SUBSCRIBE_USAGE;
  const flags = verb === 'subscribe' ? ACR_TASK_SUBSCRIBE_FLAGS : ACR_TASK_SUBSCRIBE_FLAGS.filter((f) => f.name !== 'channel');
  const { values, positionals } = parseFlags(tokens, flags, usage);
  const [first, extra] = positionals;
  if (extra !== undefined || (first !== undefined && values.name !== undefined)) throw new UsageError('Give one task, with --name.', usage);
  const name = parseName(values.name ?? first, verb, usage);
  const environment = optionalEnvironment(values.env, usage);
  if (verb === 'unsubscribe') return { kind: 'acr.task.unsubscribe', name, ...environment };
  const channel = (values as { channel?: string }).channel;
  return { kind: 'acr.task.subscribe', name, ...(channel !== undefined && { channel: parseChannel(channel, usage) }), ...environment };
}

// Which tasks' runs are announced in a channel is decided like creating the task itself.
export const ACR_TASK_SUBSCRIBE_SPECS = [
  defineCommand({
    command: '/acr',
    words: ['task', 'subscribe'],
    flags: ACR_TASK_SUBSCRIBE_FLAGS,
    usage: ACR_TASK_SUBSCRIBE_USAGE,
    help: HELP_LINES.taskSubscribe,
    action: 'acr.task.subscribe',
    requires: role('builder', 'subscribe a channel to ACR task runs'),
    parse: (tokens) => parseAcrTaskSubscription('subscribe', tokens),
  }),
  defineCommand({
    command: '/acr',
    words: ['task', 'unsubscribe'],
    flags: ACR_TASK_SUBSCRIBE_FLAGS.filter((f) => f.name !== 'channel'),
    usage: ACR_TASK_SUBSCRIBE_USAGE,
    help: HELP_LINES.taskSubscribe,
    action: 'acr.task.unsubscribe',
    requires: role('builder', 'unsubscribe a channel from ACR task runs'),
    parse: (tokens) => parseAcrTaskSubscription('unsubscribe', tokens),
  }),
];
