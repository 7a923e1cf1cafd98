/** The promotion's pure parts: the parsers, which digest runs where since when, what the target deploys, the import body, the card lines. */
import { describe, expect, it } from 'vitest';
import { parseAci } from '../../../../src/core/commands/parse-command.ts';
import { parseCommand } from '../../../../src/core/commands/index.ts';
import { ACI_PROMOTE_USAGE, ACR_PROMOTE_USAGE, parseAciPromote, parseAcrPromote } from '../../../../src/core/commands/promote.ts';
import { deployCard } from '../../../../src/core/deploy/deploy-card.ts';
import type { DeployRecord } from '../../../../src/core/deploy/deploy-job.ts';
import { promoteCard } from '../../../../src/core/promote/promote-card.ts';
import {
  importRequestFor,
  isPinned,
  pinnedIn,
  promotionRequest,
  registryResourceId,
  runningSince,
  type PromoteJobData,
} from '../../../../src/core/promote/promote-job.ts';
import { deployJobData, webRequest } from '../../../fakes/deploy-job-data.ts';
import { expectUsageError } from '../commands/expect-usage-error.ts';
import { targetRegistryProblem } from '../../../../src/slack/commands/promote.ts';

const d1 = `sha256:${'1'.repeat(64)}`;
const d2 = `sha256:${'2'.repeat(64)}`;

function record(digest: string, at: string, extra: Partial<DeployRecord> = {}): DeployRecord {
  return { jobId: `j${at}`, image: `contosodev.azurecr.io/web@${digest}`, loginServer: 'contosodev.azurecr.io', repository: 'web', digest, at, ...extra };
}

describe('/aci promote and /acr promote parsers', () => {
  it('parses a group promotion and an image promotion', () => {
    expect(parseAci(['promote', '-n', 'web', '--from', 'dev', '--to', 'prod'])).toEqual({ kind: 'aci.promote', name: 'web', from: 'dev', to: 'prod' });
    expect(parseCommand('/acr', 'promote --image team/web:v1 --from dev --to prod')).toEqual({
      kind: 'acr.promote',
      repository: 'team/web',
      tag: 'v1',
      from: 'dev',
      to: 'prod',
    });
    expect(parseAcrPromote(['--image', 'web', '--from', 'dev', '--to', 'prod'])).toMatchObject({ repository: 'web', tag: 'latest' });
  });

  it.each([
    [['-n', 'web', '--from', 'dev'], /Name both environments/],
    [['-n', 'web', '--from', 'prod', '--to', 'prod'], /--from and --to are both "prod"/],
    [['--from', 'dev', '--to', 'prod'], /Name the container group with -n/],
    [['-n', 'Web!', '--from', 'dev', '--to', 'prod'], /^-n: /],
    [['-n', 'web', '--from', 'Dev', '--to', 'prod'], /Environment "Dev" is invalid/],
    [['-n', 'web', 'extra', '--from', 'dev', '--to', 'prod'], /Unexpected word "extra"/],
  ])('/aci promote %j is refused with its usage', (tokens, message) => {
    expectUsageError(() => parseAciPromote(tokens), message, ACI_PROMOTE_USAGE);
  });

  it.each([
    [['--from', 'dev', '--to', 'prod'], /Give the image with --image/],
    [['--image', 'contosodev.azurecr.io/web:v1', '--from', 'dev', '--to', 'prod'], /no registry, no digest/],
    [['--image', `web@${d1}`, '--from', 'dev', '--to', 'prod'], /no registry, no digest/],
    [['--image', 'web:v1', '--from', 'dev', '--to', 'dev'], /both "dev"/],
  ])('/acr promote %j is refused with its usage', (tokens, message) => {
    expectUsageError(() => parseAcrPromote(tokens), message, ACR_PROMOTE_USAGE);
  });

  it('shows help for a bare /aci promote', () => {
    expect(parseAci(['promote'])).toEqual({ kind: 'help', topic: '/aci promote', usage: ACI_PROMOTE_USAGE });
  });
});

describe('the digest a group runs', () => {
  it('reads repository and digest of a pinned image of a login server (one with a path too); a tag alone is not pinned', () => {
    expect(pinnedIn(`contosodev.azurecr.io/team/web@${d1}`, 'contosodev.azurecr.io')).toEqual({ repository: 'team/web', digest: d1 });
    expect(pinnedIn(`localhost:5000/contosodev/web:v1@${d1}`, 'localhost:5000/contosodev')).toEqual({ repository: 'web', digest: d1 });
    expect(pinnedIn(`contosoprod.azurecr.io/web@${d1}`, 'contosodev.azurecr.io')).toBeUndefined();
    expect(pinnedIn('contosodev.azurecr.io/web:v1', 'contosodev.azurecr.io')).toBeUndefined();
    expect(isPinned(`contosodev.azurecr.io/web:v1@${d1}`)).toBe(true);
    expect(isPinned('contosodev.azurecr.io/web:v1')).toBe(false);
  });

  it('counts "running since" from the first deploy of the newest unbroken streak of that digest', () => {
    const history = [
      record(d2, '2026-12-06T09:00:00.000Z'),
      record(d2, '2026-12-05T09:00:00.000Z'),
      record(d1, '2026-12-04T09:00:00.000Z'),
      record(d2, '2026-12-01T09:00:00.000Z'),
    ];
    expect(runningSince(history, d2)?.at).toBe('2026-12-05T09:00:00.000Z');
    // Running a digest the history's head does not show (deployed outside the bot): no time is made up.
    expect(runningSince(history, d1)).toBeUndefined();
  });
});

describe('what the target deploys', () => {
  it('prefers the target’s own last deploy; else the source’s, without its DNS label', () => {
    const prodRequest = { ...webRequest, cpu: 2, dnsNameLabel: 'contoso-web-prod' };
    const devRequest = { ...webRequest, dnsNameLabel: 'contoso-web-dev', ipAddress: 'Public' as const };
    expect(promotionRequest([record(d1, 'a', { request: prodRequest })], [record(d2, 'b', { request: devRequest })])).toEqual({
      request: prodRequest,
      from: 'target',
    });
    const fallback = promotionRequest([], [record(d2, 'b'), record(d2, 'c', { request: devRequest })]);
    expect(fallback?.from).toBe('source');
    expect(fallback?.request.dnsNameLabel).toBeUndefined();
    expect(fallback?.request.ipAddress).toBe('Public');
    expect(promotionRequest([], [record(d2, 'b')])).toBeUndefined();
  });
});

describe('the import request', () => {
  const dev = { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-dev', name: 'contosodev' };

  it('is what az acr import --source <registry id> --image repo:tag sends, by digest, with Force so a repeat is one image', () => {
    expect(registryResourceId(dev)).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-dev/providers/Microsoft.ContainerRegistry/registries/contosodev',
    );
    expect(importRequestFor({ registryId: registryResourceId(dev), repository: 'team/web', digest: d1, tag: 'v1' })).toEqual({
      source: { resourceId: registryResourceId(dev), sourceImage: `team/web@${d1}` },
      targetTags: ['team/web:v1'],
      mode: 'Force',
    });
  });

  it('lands the manifest untagged when no tag is known, so no target tag can conflict', () => {
    expect(importRequestFor({ registryId: registryResourceId(dev), repository: 'web', digest: d1 })).toEqual({
      source: { resourceId: registryResourceId(dev), sourceImage: `web@${d1}` },
      untaggedTargetRepositories: ['web'],
      mode: 'Force',
    });
  });
});

describe('cards', () => {
  it('a promotion’s deploy card says which digest runs where since when, and from which commit', () => {
    const data = {
      ...deployJobData(webRequest),
      promotion: { from: 'dev', repository: 'web', digest: d1, since: '2026-12-05T08:30:00.000Z', commit: '3f2c9ab', promoteJobId: 'j000000000001' },
    };
    const text = JSON.stringify(deployCard(data, { status: 'awaiting_approval', portal: 'https://portal.azure.com' }).detail);
    expect(text).toContain(`Promotion of the digest running in dev since 08:30 UTC on 2026-12-05: web@${d1}, built from commit 3f2c9ab`);
  });

  it('the promotion card names source, provenance and target', () => {
    const data: PromoteJobData = {
      jobId: 'j000000000001',
      requesterId: 'U1',
      teamId: 'T1',
      channelId: 'C1',
      queuedAt: '2026-12-06T10:00:00.000Z',
      from: 'dev',
      environment: 'prod',
      subject: { kind: 'group', name: 'web' },
      progress: {
        phase: 'imported',
        targetLoginServer: 'contosoprod.azurecr.io',
        movedFrom: d2,
        source: {
          registryId: 'x',
          registryName: 'contosodev',
          loginServer: 'contosodev.azurecr.io',
          repository: 'web',
          digest: d1,
          tag: 'v1',
          since: '2026-12-05T08:30:00.000Z',
          commit: '3f2c9ab',
          runId: 'ca7',
        },
      },
    };
    const card = promoteCard(data, { status: 'running', portal: 'https://portal.azure.com' });
    expect(card.title).toBe('Promote web from dev to prod');
    const text = JSON.stringify(card);
    expect(text).toContain(`contosodev.azurecr.io/web@${d1}`);
    expect(text).toContain('commit 3f2c9ab');
    expect(text).toContain('contosoprod.azurecr.io/web:v1 (by digest)');
    expect(text).toContain(`pointed at ${d2}`);
  });
});

describe('the target registry against the target policy, before anything is queued', () => {
  const env = (registry: string, allowedRegistries?: string[]) => ({
    name: 'prod',
    env: { registry, policy: { publicIp: true, ...(allowedRegistries && { allowedRegistries }) } },
  });

  it('allows the registry when the policy names its login server (with a hash, a port or a path) or names none', () => {
    expect(targetRegistryProblem(env('contosoprod'))).toBeUndefined();
    expect(targetRegistryProblem(env('contosoprod', ['contosoprod.azurecr.io']))).toBeUndefined();
    expect(targetRegistryProblem(env('contosoprod', ['contosoprod-abc123.azurecr.io']))).toBeUndefined();
    expect(targetRegistryProblem(env('contosoprod', ['localhost:4443/registries/contosoprod']))).toBeUndefined();
  });

  it('refuses a target whose policy allows other registries only', () => {
    expect(targetRegistryProblem(env('contosoprod', ['contososhared.azurecr.io']))?.text).toBe(
      'prod only runs images from contososhared.azurecr.io, not from its registry contosoprod, so a promotion there could never deploy.',
    );
    expect(targetRegistryProblem(env('contoso', ['contosoprod.azurecr.io']))).toBeDefined();
  });
});
