import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/core/commands/index.ts';
import { expectUsageError } from './expect-usage-error.ts';

describe('/acr task subscribe|unsubscribe', () => {
  it('takes a task, a channel as Slack sends it or as an id, and an environment', () => {
    expect(parseCommand('/acr', 'task subscribe --name buildwebapp')).toEqual({ kind: 'acr.task.subscribe', name: 'buildwebapp' });
    expect(parseCommand('/acr', 'task subscribe -n buildwebapp --channel <#C0WEB|web-dev> --env dev')).toEqual({
      kind: 'acr.task.subscribe',
      name: 'buildwebapp',
      channel: 'C0WEB',
      environment: 'dev',
    });
    expect(parseCommand('/acr', 'task subscribe buildwebapp --channel C0WEB')).toEqual({ kind: 'acr.task.subscribe', name: 'buildwebapp', channel: 'C0WEB' });
    expect(parseCommand('/acr', 'task unsubscribe --name buildwebapp --env dev')).toEqual({
      kind: 'acr.task.unsubscribe',
      name: 'buildwebapp',
      environment: 'dev',
    });
  });

  it('refuses what it cannot use, with the usage', () => {
    expectUsageError(() => parseCommand('/acr', 'task subscribe'), /Name the task with --name/);
    expectUsageError(() => parseCommand('/acr', 'task subscribe --name web'), /isn't a valid task name/);
    expectUsageError(() => parseCommand('/acr', 'task subscribe --name buildwebapp --channel general'), /isn't a channel/);
    expectUsageError(() => parseCommand('/acr', 'task subscribe --name buildwebapp --channel <@U0ALICE>'), /isn't a channel/);
    expectUsageError(() => parseCommand('/acr', 'task unsubscribe --name buildwebapp --channel C0WEB'), /channel/);
    expectUsageError(() => parseCommand('/acr', 'task subscribe a1234 b1234'), /Give one task/);
  });
});
