import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessSchema } from '../../../src/core/access/access-config.ts';
import { createAccessPolicy } from '../../../src/core/access/access-policy.ts';
import { GroupMembersUnavailableError, SlackGroupMembers, type SlackGroupMembersOptions } from '../../../src/slack/usergroup-members.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';

const token = 'xoxb-access-test';
const METHOD = 'usergroups.users.list';
let slack: SlackEmulator;
let client: WebClient;
let clock: number;

function members(options: Partial<SlackGroupMembersOptions> = {}): SlackGroupMembers {
  return new SlackGroupMembers({ client, now: () => clock, ...options });
}

beforeEach(async () => {
  slack = await startSlackEmulator();
  slack.addToken(token, { teamId: 'T0OURS', botUserId: 'U0BOT', scopes: ['usergroups:read'] });
  slack.setUsergroup('S0DEVS', ['U0ALICE', 'U0BOB']);
  slack.setUsergroup('S0SRE', ['U0CAROL']);
  // As the app should build it: 429s come back at once, and no half-hour retry loop.
  client = new WebClient(token, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  clock = 1_000_000;
});

afterEach(async () => {
  await slack.close();
});

describe('SlackGroupMembers caching', () => {
  it('asks Slack once for many checks within the TTL, and again after it', async () => {
    const groups = members();
    for (let i = 0; i < 20; i++) expect([...(await groups.membersOf('S0DEVS'))]).toEqual(['U0ALICE', 'U0BOB']);
    expect(slack.callsTo(METHOD)).toHaveLength(1);
    expect(slack.callsTo(METHOD)[0]?.args).toMatchObject({ usergroup: 'S0DEVS' });

    slack.setUsergroup('S0DEVS', ['U0ALICE']);
    clock += 59_000;
    expect((await groups.membersOf('S0DEVS')).has('U0BOB')).toBe(true); // still cached
    clock += 1_000;
    expect((await groups.membersOf('S0DEVS')).has('U0BOB')).toBe(false); // TTL over: Bob's removal seen
    expect(slack.callsTo(METHOD)).toHaveLength(2);
  });

  it('caches each group on its own', async () => {
    const groups = members();
    await groups.membersOf('S0DEVS');
    await groups.membersOf('S0SRE');
    await groups.membersOf('S0DEVS');
    expect(slack.callsTo(METHOD).map((c) => c.args.usergroup)).toEqual(['S0DEVS', 'S0SRE']);
  });

  it('shares one in-flight call between concurrent checks', async () => {
    const groups = members();
    const results = await Promise.all(Array.from({ length: 10 }, () => groups.membersOf('S0DEVS')));
    expect(results.every((r) => r.has('U0ALICE'))).toBe(true);
    expect(slack.callsTo(METHOD)).toHaveLength(1);
  });

  it('passes team_id for org-wide tokens', async () => {
    await members({ teamId: 'T0OURS' }).membersOf('S0DEVS');
    expect(slack.callsTo(METHOD)[0]?.args).toMatchObject({ usergroup: 'S0DEVS', team_id: 'T0OURS' });
  });
});

describe('SlackGroupMembers failures', () => {
  it('fails (closed) for an unknown group', async () => {
    await expect(members().membersOf('S0GONE')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
  });

  it('fails with no list to fall back on, and backs off before asking again', async () => {
    const groups = members();
    slack.errorNext({ method: METHOD, error: 'internal_error' });
    await expect(groups.membersOf('S0DEVS')).rejects.toThrow(/S0DEVS/);
    clock += 4_000;
    await expect(groups.membersOf('S0DEVS')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
    expect(slack.callsTo(METHOD)).toHaveLength(1); // inside the 5 s back-off: Slack not asked
    clock += 1_000;
    expect((await groups.membersOf('S0DEVS')).has('U0ALICE')).toBe(true);
    expect(slack.callsTo(METHOD)).toHaveLength(2);
  });

  it('serves the last list for up to 10 minutes when Slack fails, then fails closed', async () => {
    const groups = members();
    await groups.membersOf('S0DEVS');
    clock += 61_000;
    slack.failNext({ method: METHOD, status: 503, times: 100 });
    expect((await groups.membersOf('S0DEVS')).has('U0BOB')).toBe(true); // stale, from the first call
    expect(slack.callsTo(METHOD).map((c) => c.status)).toEqual([200, 503]);

    clock += 600_000 - 61_000 + 1; // the list is now just over 10 minutes old
    await expect(groups.membersOf('S0DEVS')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
  });

  it('fails closed at once with staleIfErrorMs: 0', async () => {
    const groups = members({ staleIfErrorMs: 0 });
    await groups.membersOf('S0DEVS');
    clock += 61_000;
    slack.errorNext({ method: METHOD, error: 'internal_error' });
    await expect(groups.membersOf('S0DEVS')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
  });

  it("waits out Slack's Retry-After before asking again", async () => {
    const groups = members();
    slack.rateLimit({ method: METHOD, forMs: 60_000, retryAfterSeconds: 30 });
    await expect(groups.membersOf('S0DEVS')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
    slack.clearFaults();
    clock += 29_000;
    await expect(groups.membersOf('S0DEVS')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
    expect(slack.callsTo(METHOD)).toHaveLength(1);
    clock += 1_000;
    expect((await groups.membersOf('S0DEVS')).size).toBe(2);
  });

  it('gives up waiting after callTimeoutMs, and the late answer still fills the cache', async () => {
    // A Slack that answers only when told to: the emulator has no delay knob.
    let release: (() => void) | undefined;
    const server: Server = createServer((req, res) => {
      req.resume();
      release = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, users: ['U0LATE'] }));
      };
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const slow = new WebClient(token, { slackApiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, retryConfig: { retries: 0 } });
      const groups = new SlackGroupMembers({ client: slow, callTimeoutMs: 100, now: () => clock });
      const started = Date.now();
      await expect(groups.membersOf('S0SLOW')).rejects.toThrow(/S0SLOW/);
      expect(Date.now() - started).toBeLessThan(1_000);
      // Within the back-off the timeout started, the next check does not wait again.
      const again = Date.now();
      await expect(groups.membersOf('S0SLOW')).rejects.toBeInstanceOf(GroupMembersUnavailableError);
      expect(Date.now() - again).toBeLessThan(50);
      release?.();
      await new Promise((r) => setTimeout(r, 100));
      expect([...(await groups.membersOf('S0SLOW'))]).toEqual(['U0LATE']); // the late answer was cached
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the access policy over SlackGroupMembers', () => {
  const config = accessSchema.parse({
    admins: ['U01ADMIN'],
    roles: { prod: { deployer: ['S0SRE'], builder: ['S0DEVS', 'S0GONE'] } },
    team: { id: 'T0OURS' },
  });

  it('grants through a group and costs one Slack call per group for many checks', async () => {
    const policy = createAccessPolicy({ config, groups: members() });
    for (let i = 0; i < 10; i++) {
      expect((await policy.check({ userId: 'U0CAROL', teamId: 'T0OURS', action: 'aci.deploy', environment: 'prod' })).allowed).toBe(true);
    }
    // Every group of the environment is read once (S0GONE fails each time, after its back-off).
    expect(slack.callsTo(METHOD).filter((c) => c.args.usergroup === 'S0SRE')).toHaveLength(1);
    expect(slack.callsTo(METHOD).filter((c) => c.args.usergroup === 'S0DEVS')).toHaveLength(1);
  });

  it('refuses, saying why, when the granting group cannot be read', async () => {
    const policy = createAccessPolicy({ config, groups: members() });
    const d = await policy.check({ userId: 'U0DAVE', teamId: 'T0OURS', action: 'acr.build', environment: 'prod' });
    expect(d).toMatchObject({ allowed: false, reason: 'missing_role', missingRole: 'builder', environment: 'prod' });
    expect(!d.allowed && d.message.mrkdwn).toContain("I couldn't check the members of Slack user group S0GONE just now");
    expect(!d.allowed && d.message.mrkdwn).toContain('<@U01ADMIN>');
  });

  it('reports roles per environment for whoami', async () => {
    const policy = createAccessPolicy({ config, groups: members(), environments: ['dev', 'prod'] });
    expect(await policy.rolesOf('U0ALICE', 'T0OURS')).toEqual({ dev: [], prod: ['viewer', 'builder'] });
  });
});
