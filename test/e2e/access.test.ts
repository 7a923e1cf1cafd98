import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

const source = 'https://github.com/org/app.git#main';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ azure: { queuedMs: 100, buildDurationMs: 30_000, logLineIntervalMs: 500 } });
});
afterAll(async () => {
  await h.stop();
});

async function jobCount(): Promise<number> {
  return (await h.redis.keys('chatops:jobs:j*')).filter((k) => /^chatops:jobs:j[0-9a-z]{12}$/.test(k)).length;
}

async function auditEvents(): Promise<{ actor: string; action: string; outcome: string; reason?: string; environment?: string }[]> {
  const entries = (await h.redis.xrange('chatops:audit', '-', '+')) as [string, string[]][];
  return entries.map(([, fields]) => JSON.parse(fields[1]!));
}

const users = { alice: ids.alice, bob: ids.bob, carol: ids.carol, admin: ids.admin } as const;
type Who = keyof typeof users;

// alice: builder (dev, prod via S0DEVS); bob: builder + deployer (S0DEVS, S0SRE); carol: viewer in dev only ("*");
// admin: everything. prod commands are only accepted in #prod.
const table: [string, Who, string, string, 'allowed' | 'refused', RegExp?][] = [
  ['build in dev', 'alice', `/acr build -t web:a1 --env dev ${source}`, ids.devChannel, 'allowed'],
  ['build in dev', 'carol', `/acr build -t web:c1 --env dev ${source}`, ids.devChannel, 'refused', /\*builder\* role in \*dev\*/],
  ['build in prod from #prod', 'alice', `/acr build -t web:a2 --env prod ${source}`, ids.prodChannel, 'allowed'],
  ['build in prod from #dev', 'alice', `/acr build -t web:a3 --env prod ${source}`, ids.devChannel, 'refused', /only accepted in <#C0PROD>/],
  ['build in prod from #prod', 'carol', `/acr build -t web:c2 --env prod ${source}`, ids.prodChannel, 'refused', /\*builder\* role in \*prod\*/],
  ['build in prod from #prod', 'admin', `/acr build -t web:x1 --env prod ${source}`, ids.prodChannel, 'allowed'],
  ['audit', 'alice', '/ops audit', ids.devChannel, 'refused', /\*admin\* role/],
  ['audit', 'admin', '/ops audit --since 1h', ids.devChannel, 'allowed'],
  ['whoami', 'carol', '/ops whoami', ids.devChannel, 'allowed'],
];

describe('who may do what', () => {
  it.each(table)('%s by %s: %s → %s', async (_what, who, line, channelId, expected, message) => {
    const [command, ...rest] = line.split(' ');
    const before = await jobCount();
    const eventsBefore = (await auditEvents()).length;
    const res = await h.command(rest.join(' '), { command: command!, userId: users[who], channelId });
    expect(res.status).toBe(200);
    const text = replyOf(res).text;
    const events = (await auditEvents()).slice(eventsBefore);
    if (expected === 'refused') {
      expect(text).toMatch(message!);
      if (/role/.test(text)) expect(text).toContain(`<@${ids.admin}>`); // who grants roles
      expect(await jobCount()).toBe(before);
      expect(events.some((e) => e.actor === users[who] && e.outcome === 'refused')).toBe(true);
    } else {
      expect(text).not.toMatch(/:lock:/);
      if (command === '/acr') {
        expect(await jobCount()).toBe(before + 1);
        expect(events.some((e) => e.actor === users[who] && e.action === 'command.acr.build' && e.outcome === 'accepted')).toBe(true);
      }
    }
  });

  it('whoami lists roles per environment and help lists only what you may run', async () => {
    const whoami = replyOf(await h.command('whoami', { command: '/ops', userId: ids.carol }));
    expect(whoami.text).toMatch(/\*dev\*: viewer/);
    expect(whoami.text).toMatch(/\*prod\*: _no roles_/);
    const carolHelp = replyOf(await h.command('help', { command: '/ops', userId: ids.carol })).text;
    expect(carolHelp).not.toContain('builds an image');
    expect(carolHelp).not.toContain('/ops audit');
    // carol views dev: she may look at container groups but not deploy or change them.
    expect(carolHelp).toMatch(/11 more need roles/);
    expect(carolHelp).not.toContain('/aci promote');
    expect(carolHelp).toContain('/ops job');
    expect(carolHelp).toContain('/aci show|logs');
    expect(carolHelp).not.toContain('/aci create');
    const adminHelp = replyOf(await h.command('help', { command: '/ops', userId: ids.admin })).text;
    expect(adminHelp).toContain('builds an image');
    expect(adminHelp).toContain('/ops audit');
    expect(adminHelp).toContain('/aci create');
    expect(adminHelp).toContain('/aci promote');
    expect(adminHelp).toContain('/acr promote');
  });

  it('refuses a Cancel click from someone who lost the role after the card was posted', async () => {
    const res = await h.command(`build -t web:lost ${source}`, { userId: ids.alice });
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    await h.slack.waitFor(() => JSON.stringify(h.slack.messages(ids.devChannel)).includes(`"value":"${jobId}"`), 15_000);
    const card = h.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks).includes(jobId))!;
    h.slack.setUsergroup(ids.devs, [ids.bob]); // alice leaves the builders
    await new Promise((r) => setTimeout(r, 300)); // past the (test-short) group cache
    const responsesBefore = h.slack.responses.length;
    await h.click('job.cancel', jobId, { userId: ids.alice, messageTs: card.ts });
    await h.slack.waitFor(() => h.slack.responses.length > responsesBefore, 5_000);
    expect(JSON.stringify(h.slack.responses.at(-1)!.body)).toMatch(/\*builder\* role in \*dev\*/);
    expect(await h.redis.get(`chatops:cancel:${jobId}`)).toBeNull();
    expect(h.azure.count('POST', /\/cancel$/)).toBe(0);
    expect((await auditEvents()).some((e) => e.action === 'button.job.cancel' && e.outcome === 'refused' && e.actor === ids.alice)).toBe(true);
    h.slack.setUsergroup(ids.devs, [ids.alice, ids.bob]);
  });

  it('refuses requests from another workspace or app', async () => {
    const { postSigned, slashCommandBody } = await import('../helpers/slack-requests.ts');
    const before = await jobCount();
    const body = slashCommandBody({
      command: '/acr',
      text: `build -t web:f1 ${source}`,
      userId: ids.admin,
      channelId: ids.devChannel,
      teamId: 'T0OTHER',
      apiAppId: ids.app,
      responseUrl: h.slack.responseUrl('f'),
    });
    const res = await postSigned(h.botUrl, body, { secret: h.signingSecret });
    expect(replyOf(res).text).toMatch(/its own Slack workspace/);
    expect(await jobCount()).toBe(before);
  });

  it('/ops audit filters by user and action, newest first, and pages', async () => {
    const res = await h.command(`audit --user <@${ids.carol}> --action build`, { command: '/ops', userId: ids.admin });
    const text = replyOf(res).text;
    expect(text).toContain(ids.carol);
    expect(text).not.toContain(ids.alice);
    expect(text).toMatch(/refused/);
    const all = replyOf(await h.command('audit', { command: '/ops', userId: ids.admin })).text;
    const lines = all.split('\n').filter((l) => /U0[A-Z]+/.test(l));
    const times = lines.map((l) => /\d{4}-\d\d-\d\dT?\s?\d\d:\d\d:\d\d/.exec(l)?.[0] ?? '');
    expect([...times].sort().reverse()).toEqual(times);
    // Every query is itself audited.
    expect((await auditEvents()).filter((e) => e.action === 'admin.audit.query').length).toBeGreaterThanOrEqual(2);
  });
});
