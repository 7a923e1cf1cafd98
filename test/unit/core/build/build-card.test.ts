import { describe, expect, it } from 'vitest';
import { explainFailure } from '../../../../src/core/build/build-card.ts';

const run = { runId: 'ca7', status: 'Failed', outputImages: [] };

describe('explainFailure of a run that could not clone its git source', () => {
  it.each([
    [
      'ACR',
      '2024/10/06 08:10:44 Downloading source code...\r\nRun ID: ca7 failed after 4s. Error: failed to download context. Please check if the URL is incorrect. If it has credentials, please check if they are expired',
    ],
    ['git, no credentials', "fatal: could not read Username for 'https://github.com': terminal prompts disabled"],
    ['git, GitHub hides private repositories', "remote: Repository not found.\nfatal: repository 'https://github.com/org/private-app.git/' not found"],
    ['git, Azure DevOps', "fatal: Authentication failed for 'https://dev.azure.com/org/proj/_git/app/'"],
  ])('without a token (%s): the repository may be private, pass --git-access-token', (_source, log) => {
    const { text, hint } = explainFailure(log, run);
    expect(text).toBe('Build failed: ACR could not download the source from the git repository.');
    expect(hint).toContain('If the repository is private');
    expect(hint).toContain('--git-access-token @kv:SECRET-NAME');
    expect(hint).toContain('gitAccessTokens');
    expect(`${text} ${hint}`).not.toContain('its own access');
  });

  it('with a token: check that token', () => {
    const { hint } = explainFailure('Run ID: ca7 failed after 4s. Error: failed to download context. Please check if the URL is incorrect.', run, 'github-pat');
    expect(hint).toContain('git token github-pat can read this repository');
    expect(hint).not.toContain('--git-access-token');
  });

  it('leaves other failures to their own hints', () => {
    expect(explainFailure("The command '/bin/sh -c npm ci' returned a non-zero code: 1", run).hint).toContain('A step in your Dockerfile failed');
  });
});
