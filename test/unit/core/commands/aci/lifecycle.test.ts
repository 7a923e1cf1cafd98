import { describe, expect, it } from 'vitest';
import { ACI_LIST_USAGE, ACI_LOGS_USAGE, aciLifecycleUsage, type AciLifecycleVerb } from '../../../../../src/core/commands/aci/index.ts';
import { parseAci } from '../../../../../src/core/commands/parse-command.ts';
import { expectUsageError } from '../expect-usage-error.ts';

const words = (text: string): string[] => text.split(' ');
const VERBS: AciLifecycleVerb[] = ['show', 'restart', 'stop', 'start', 'delete'];

describe('parseAci lifecycle subcommands', () => {
  it.each(VERBS)('parses %s with -n and --env', (verb) => {
    expect(parseAci([verb, '-n', 'web', '--env', 'staging'])).toStrictEqual({ kind: `aci.${verb}`, name: 'web', environment: 'staging' });
    expect(parseAci([verb, '--name', 'web'])).toStrictEqual({ kind: `aci.${verb}`, name: 'web' });
  });

  it.each<[AciLifecycleVerb, string, RegExp]>([
    ['show', '--env staging', /^Name the container group with -n, e\.g\. \/aci show -n web\.$/],
    ['stop', 'web', /^Unexpected "web": \/aci stop takes only options\. Did you mean \/aci stop -n web\?$/],
    ['start', '-n web other', /^Unexpected "other": \/aci start takes only options\. Quote values that contain spaces\.$/],
    ['delete', '-n -web', /^--name needs a value, like --name NAME\.$/],
    ['delete', '-n web- ', /^-n: Container group names .*e\.g\. web-1 \(got 'web-'\)\.$/],
    ['restart', '-n web --env PROD', /^Environment "PROD" is invalid: .*e\.g\. --env staging\.$/],
    ['restart', '-n web --tail 5', /^Unknown flag --tail\.$/],
  ])('%s refuses %j', (verb, text, message) => {
    expectUsageError(() => parseAci([verb, ...words(text).filter((w) => w !== '')]), message, aciLifecycleUsage(verb));
  });

  it.each<[string, object]>([
    ['logs -n web', { kind: 'aci.logs', name: 'web' }],
    ['logs -n web --tail 1 --container-name sidecar --env prod', { kind: 'aci.logs', name: 'web', tail: 1, containerName: 'sidecar', environment: 'prod' }],
    ['logs -n web --tail 10000', { kind: 'aci.logs', name: 'web', tail: 10000 }],
    ['list', { kind: 'aci.list' }],
    ['list --env dev', { kind: 'aci.list', environment: 'dev' }],
    ['List', { kind: 'aci.list' }],
  ])('parses %j', (text, expected) => {
    expect(parseAci(words(text))).toStrictEqual(expected);
  });

  it.each<[string, RegExp, string]>([
    ['logs -n web --tail 0', /^--tail takes a number of lines, 1–10000, e\.g\. --tail 100, not "0"\.$/, ACI_LOGS_USAGE],
    ['logs -n web --tail 10001', /not "10001"\.$/, ACI_LOGS_USAGE],
    ['logs -n web --tail all', /not "all"\.$/, ACI_LOGS_USAGE],
    ['logs -n web --container-name Side_car', /^--container-name: Container group names .*\(got 'Side_car'\)\.$/, ACI_LOGS_USAGE],
    ['logs --tail 5', /^Name the container group with -n, e\.g\. \/aci logs -n web\.$/, ACI_LOGS_USAGE],
    ['list web', /^Unexpected "web": \/aci list takes only --env, e\.g\. \/aci list --env staging\.$/, ACI_LIST_USAGE],
    ['list -n web', /^Unknown flag -n\.$/, ACI_LIST_USAGE],
  ])('refuses %j', (text, message, usage) => {
    expectUsageError(() => parseAci(words(text)), message, usage);
  });
});
