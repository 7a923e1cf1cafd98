import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { accessSchema } from '../../../../src/core/access/access-config.ts';
import { createAccessPolicy } from '../../../../src/core/access/access-policy.ts';
import { mayCancel } from '../../../../src/core/access/cancel-rule.ts';
import { FakeGroupMembers } from '../../../fakes/fake-group-members.ts';

const config = accessSchema.parse(
  parseYaml(`
admins: [U01ADMIN]
roles:
  dev: { builder: [S0DEVS], viewer: ["*"] }
`),
);
const policy = createAccessPolicy({ config, groups: new FakeGroupMembers({ S0DEVS: ['U0DEV'] }), environments: ['dev'] });
const who = (userId: string) => ({ userId, teamId: 'T0' });

describe('Cancel on a run the task watcher announced', () => {
  it('is any builder’s of the environment (the run is nobody’s own), never a viewer’s', async () => {
    const announced = { environment: 'dev', requesterId: 'system', announced: true };
    expect((await mayCancel(policy, who('U0DEV'), announced)).allowed).toBe(true);
    expect(await mayCancel(policy, who('U0VIEW'), announced)).toMatchObject({ allowed: false, reason: 'missing_role', missingRole: 'builder' });
    // Someone else's build still needs admin, as before.
    expect((await mayCancel(policy, who('U0DEV'), { environment: 'dev', requesterId: 'U0OTHER' })).allowed).toBe(false);
    expect((await mayCancel(policy, who('U0DEV'), { environment: 'dev', requesterId: 'system' })).allowed).toBe(false);
  });
});
