import { afterEach, describe, expect, it } from 'vitest';
import { dmChannelOf } from '../../emulators/slack/index.ts';
import { answerText, privateAnswer } from '../../helpers/answers.ts';
import { ids, replyOf, type Harness } from '../../helpers/harness.ts';
import { aci, aciCommand, cardOf, cardText, deployed, digests, loginServers, putsOf, responsesWith, startAciHarness, stg, waitForCard } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('/aci lifecycle', () => {
  it('shows, tails logs, restarts, stops, starts and lists container groups', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1 --dns-name-label contoso-web');
    h.azure.aci.setLogs('web', 'web', 'booting\nlistening on :80\nGET / 200\nGET /health 200\n');

    // Looking is private: an answer to the asker, nothing in the channel.
    const show = await aciCommand(h, 'show -n web', { userId: ids.carol, channelId: aci.stgChannel });
    const shown = answerText(await privateAnswer(h, show));
    expect(shown).toContain('contoso-web.westeurope.azurecontainer.io');
    expect(shown).toContain('Running');
    expect(shown).toContain('Started');

    const logs = await aciCommand(h, 'logs -n web --tail 2', { userId: ids.carol, channelId: aci.stgChannel });
    const logAnswer = answerText(await privateAnswer(h, logs));
    expect(logAnswer).toContain('GET /health 200');
    expect(logAnswer).toContain('GET / 200');
    expect(logAnswer).not.toContain('booting');
    const channel = JSON.stringify(h.slack.allMessages(aci.stgChannel));
    expect(channel).not.toContain(show);
    expect(channel).not.toContain(logs);

    // A viewer may look but not change anything.
    const refused = await h.command('restart -n web', { command: '/aci', userId: ids.carol, channelId: aci.stgChannel });
    expect(replyOf(refused).text).toContain('deployer');

    const restart = await aciCommand(h, 'restart -n web', stg);
    await waitForCard(h, aci.stgChannel, restart, 'Succeeded');
    expect(h.azure.count('POST', /containerGroups\/web\/restart$/)).toBe(1);

    const stop = await aciCommand(h, 'stop -n web', stg);
    await waitForCard(h, aci.stgChannel, stop, 'Succeeded');
    expect(cardText(h, aci.stgChannel, stop)).toContain('Stopped');
    const start = await aciCommand(h, 'start -n web', stg);
    await waitForCard(h, aci.stgChannel, start, 'Succeeded');
    expect(h.azure.count('POST', /containerGroups\/web\/start$/)).toBe(1);

    const list = await aciCommand(h, 'list', { userId: ids.carol, channelId: aci.stgChannel });
    const listed = answerText(await privateAnswer(h, list));
    expect(listed).toContain('1 container group:');
    expect(listed).toContain('contoso-web.westeurope.azurecontainer.io');
  });

  it('says once, privately, that there is nothing to list', async () => {
    h = await startAciHarness();
    const list = await aciCommand(h, 'list', { userId: ids.carol, channelId: aci.stgChannel });
    const answer = await privateAnswer(h, list);
    expect(answerText(answer)).toContain('There are no container groups in rg-stg.');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.responses.filter((r) => JSON.stringify(r.body).includes('no container groups'))).toHaveLength(1);
    expect(h.slack.allMessages(aci.stgChannel)).toHaveLength(0);
  });

  it('sends long logs as a file in the asker’s DM', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1');
    h.azure.aci.setLogs('web', 'web', Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n'));
    const logs = await aciCommand(h, 'logs -n web --tail 300', stg);
    expect(answerText(await privateAnswer(h, logs))).toContain('in a file in our DM');
    const file = await h.slack.waitFor(() => h!.slack.files.find((f) => f.channel === dmChannelOf(ids.alice)), 5000);
    expect(file.content).toContain('line 399');
    expect(h.slack.files.filter((f) => f.channel === aci.stgChannel)).toHaveLength(0);
  });

  it('deletes only after the requester confirms; nobody else can confirm', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1');
    const del = await aciCommand(h, 'delete -n web', stg);
    await waitForCard(h, aci.stgChannel, del, 'approval.confirm');
    const ts = cardOf(h, aci.stgChannel, del)!.ts;
    await h.click('approval.confirm', del, { userId: ids.bob, messageTs: ts, channelId: aci.stgChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'who asked for this, can confirm it').length > 0, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.azure.count('DELETE', /containerGroups\/web$/)).toBe(0);

    await h.click('approval.confirm', del, { userId: ids.alice, messageTs: ts, channelId: aci.stgChannel });
    await waitForCard(h, aci.stgChannel, del, 'Succeeded');
    expect(cardText(h, aci.stgChannel, del)).toContain(`Confirmed by <@${ids.alice}>`);
    expect(h.azure.count('DELETE', /containerGroups\/web$/)).toBe(1);
    expect(h.azure.aci.group('rg-stg', 'web')).toBeUndefined();
  });

  it('follows the approval rules for a delete in a protected environment', async () => {
    h = await startAciHarness();
    const deploy = await aciCommand(h, 'create -n api --image web:v1', { userId: ids.bob, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, deploy, 'approval.approve');
    await h.click('approval.approve', deploy, { userId: ids.carol, messageTs: cardOf(h, aci.prdChannel, deploy)!.ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, deploy, 'Succeeded');

    const del = await aciCommand(h, 'delete -n api', { userId: ids.bob, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, del, 'approval.approve');
    const ts = cardOf(h, aci.prdChannel, del)!.ts;
    await h.click('approval.approve', del, { userId: ids.bob, messageTs: ts, channelId: aci.prdChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'you cannot approve it').length > 0, 5000);
    expect(h.azure.count('DELETE', /containerGroups\/api$/)).toBe(0);
    await h.click('approval.approve', del, { userId: aci.dave, messageTs: ts, channelId: aci.prdChannel });
    await waitForCard(h, aci.prdChannel, del, 'Succeeded');
    expect(h.azure.count('DELETE', /containerGroups\/api$/)).toBe(1);
  });
});

describe('one change at a time per container group', () => {
  it('makes a second deploy wait for the first, says so on its card, then runs it', async () => {
    h = await startAciHarness();
    h.azure.aci.timing.provisionMs = 2500;
    const first = await aciCommand(h, 'create -n web --image web:v1', stg);
    await h.slack.waitFor(() => putsOf(h!, 'web').length === 1, 10_000);
    const second = await aciCommand(h, 'create -n web --image web:v2', { userId: ids.bob, channelId: aci.stgChannel });
    await waitForCard(h, aci.stgChannel, second, `Waiting for job ${first}`);
    expect(putsOf(h, 'web')).toHaveLength(1);
    await waitForCard(h, aci.stgChannel, first, 'Succeeded');
    await waitForCard(h, aci.stgChannel, second, 'Succeeded', 20_000);
    const puts = putsOf(h, 'web');
    expect(puts).toHaveLength(2);
    const image = (p: (typeof puts)[number]) =>
      (p.body as { properties: { containers: { properties: { image: string } }[] } }).properties.containers[0]!.properties.image;
    expect(image(puts[1]!)).toContain(digests['contosostg/web:v2']!);
  });
});

describe('rollback', () => {
  it('redeploys the previous known-good digest from the Rollback button', async () => {
    h = await startAciHarness();
    const v1 = await deployed(h, 'create -n web --image web:v1 --ip-address Public --ports 8080');
    const v2 = await deployed(h, 'create -n web --image web:v2 --ip-address Public --ports 8080');
    expect(v1).not.toBe(v2);
    const ts = cardOf(h, aci.stgChannel, v2)!.ts;
    await h.click('deploy.rollback', v2, { userId: ids.carol, messageTs: ts, channelId: aci.stgChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'deployer').length > 0, 5000);

    await h.click('deploy.rollback', v2, { userId: ids.alice, messageTs: ts, channelId: aci.stgChannel, triggerId: 'rollback-trigger-1' });
    await h.slack.waitFor(
      () =>
        h!.slack
          .messages(aci.stgChannel)
          .some((m) => JSON.stringify(m.blocks ?? []).includes('Roll back web') && JSON.stringify(m.blocks).includes('Succeeded')),
      15_000,
    );
    // A replayed click (same trigger) queues nothing new.
    await h.click('deploy.rollback', v2, { userId: ids.alice, messageTs: ts, channelId: aci.stgChannel, triggerId: 'rollback-trigger-1' });
    await new Promise((r) => setTimeout(r, 1000));
    const puts = putsOf(h, 'web');
    expect(puts).toHaveLength(3);
    const last = (puts[2]!.body as { properties: { containers: { properties: { image: string; ports: { port: number }[] } }[] } }).properties.containers[0]!
      .properties;
    expect(last.image).toBe(`${loginServers.contosostg}/web@${digests['contosostg/web:v1']}`);
    expect(last.ports.map((p) => p.port)).toEqual([8080]);
  });

  it('says so when there is nothing to roll back to', async () => {
    h = await startAciHarness();
    const v1 = await deployed(h, 'create -n web --image web:v1');
    await h.click('deploy.rollback', v1, { userId: ids.alice, messageTs: cardOf(h, aci.stgChannel, v1)!.ts, channelId: aci.stgChannel });
    await h.slack.waitFor(() => responsesWith(h!, 'nothing to roll back to').length > 0, 5000);
    expect(putsOf(h, 'web')).toHaveLength(1);
  });
});
