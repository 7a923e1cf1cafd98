import { describe, expect, it } from 'vitest';
import { AzureOperationError } from '../../../../src/core/azure-errors.ts';
import type { DockerBuildSpec, RunInfo } from '../../../../src/core/build/acr-builds.ts';
import { decideAdoption, judgeRun, scheduleWasRefused } from '../../../../src/core/build/run-ownership.ts';

const spec: DockerBuildSpec = {
  images: ['web:{{.Run.ID}}', 'web'],
  file: 'Dockerfile',
  buildArgs: [],
  platform: { os: 'Linux', architecture: 'amd64' },
  noCache: false,
  sourceLocation: 'https://github.com/o/a.git',
};
const run = (over: Partial<RunInfo> = {}): RunInfo => ({
  runId: 'cb7',
  status: 'Running',
  outputImages: [],
  platform: { os: 'linux', architecture: 'amd64' },
  ...over,
});
// As ACR's agent and Docker print them (learn.microsoft.com, ACR Tasks quickstart sample output).
const log = (...images: string[]) =>
  [
    '2024/05/01 10:00:00 Logging in to registry: contosodev.azurecr.io',
    '2024/05/01 10:00:01 Successfully logged into contosodev.azurecr.io',
    ...images.map((i) => `Successfully tagged contosodev.azurecr.io/${i}`),
  ].join('\r\n');

describe('is this run the one the job started?', () => {
  it('is ours when the platform and every image name match, {{.Run.ID}} and the default tag included', () => {
    expect(judgeRun(spec, run(), log('web:cb7', 'web:latest'))).toBe('ours');
    expect(
      judgeRun(
        spec,
        run({
          status: 'Succeeded',
          outputImages: [
            { registry: 'contosodev.azurecr.io', repository: 'web', tag: 'cb7' },
            { repository: 'web', tag: 'latest' },
          ],
        }),
        '',
      ),
    ).toBe('ours');
  });

  it('is not ours when it builds another image, or for another platform, or was triggered', () => {
    expect(judgeRun(spec, run(), log('web:cb7', 'api:latest'))).toBe('not-ours');
    expect(judgeRun(spec, run(), log('web:cb8'))).toBe('not-ours'); // another run's id in the tag
    expect(judgeRun(spec, run({ platform: { os: 'Linux', architecture: 'arm64' } }), '')).toBe('not-ours');
    expect(judgeRun(spec, run({ platform: { os: 'Windows', architecture: 'amd64' } }), '')).toBe('not-ours');
    expect(judgeRun(spec, run({ trigger: 'commit' }), log('web:cb7', 'web:latest'))).toBe('not-ours');
    expect(judgeRun(spec, run({ runType: 'AutoBuild' }), log('web:cb7', 'web:latest'))).toBe('not-ours');
  });

  it('waits while a running run has not shown all its images, and gives up once it is over', () => {
    expect(judgeRun(spec, run({ status: 'Queued' }), '')).toBe('not-yet');
    expect(judgeRun(spec, run(), log('web:cb7'))).toBe('not-yet');
    expect(judgeRun(spec, run({ status: 'Failed' }), log())).toBe('unprovable');
    // Tagged for another registry's host: not comparable, so not proof either way.
    expect(judgeRun(spec, run({ status: 'Failed' }), 'Logging in to registry: contosodev.azurecr.io\nSuccessfully tagged other.azurecr.io/web:cb7')).toBe(
      'unprovable',
    );
  });

  it('never proves a task run its own: its manual runs all look alike', () => {
    expect(judgeRun(undefined, run({ taskName: 'buildwebapp', status: 'Succeeded' }), '')).toBe('unprovable');
    expect(judgeRun(undefined, run({ taskName: 'buildwebapp', trigger: 'commit' }), '')).toBe('not-ours');
  });
});

describe('what the job does about the candidates', () => {
  it('adopts the one proven run, waits while any is undecided, and otherwise schedules again or stops', () => {
    expect(
      decideAdoption([
        { runId: 'ca1', ownership: 'ours' },
        { runId: 'ca2', ownership: 'not-ours' },
        { runId: 'ca3', ownership: 'unprovable' },
      ]),
    ).toEqual({ kind: 'adopt', runId: 'ca1' });
    expect(
      decideAdoption([
        { runId: 'ca1', ownership: 'ours' },
        { runId: 'ca2', ownership: 'not-yet' },
      ]),
    ).toEqual({ kind: 'wait', runIds: ['ca1', 'ca2'] });
    expect(decideAdoption([])).toEqual({ kind: 'none' });
    expect(decideAdoption([{ runId: 'ca2', ownership: 'not-ours' }])).toEqual({ kind: 'none' });
    expect(
      decideAdoption([
        { runId: 'ca1', ownership: 'ours' },
        { runId: 'ca2', ownership: 'ours' },
      ]),
    ).toEqual({ kind: 'unsure', runIds: ['ca1', 'ca2'] });
    expect(decideAdoption([{ runId: 'ca3', ownership: 'unprovable' }])).toEqual({ kind: 'unsure', runIds: ['ca3'] });
  });
});

describe('which scheduleRun failures started nothing', () => {
  it('counts 4xx and 429 as refusals; no answer, a reset and 5xx leave the outcome unknown', () => {
    const failure = (statusCode?: number) => new AzureOperationError('x', { transient: true, hint: 'h', ...(statusCode !== undefined && { statusCode }) });
    expect(scheduleWasRefused(failure(400))).toBe(true);
    expect(scheduleWasRefused(failure(409))).toBe(true);
    expect(scheduleWasRefused(failure(429))).toBe(true);
    expect(scheduleWasRefused(failure(500))).toBe(false);
    expect(scheduleWasRefused(failure(503))).toBe(false);
    expect(scheduleWasRefused(failure())).toBe(false); // timeout, connection reset
    expect(scheduleWasRefused(new TypeError('fetch failed'))).toBe(false);
  });
});
