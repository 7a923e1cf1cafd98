/**
 * `npm run playground`: the whole product (bot, worker, outbox) against the Slack and Azure
 * emulators, with a prompt to type slash commands and press buttons. No accounts needed.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EMULATOR_TRUST_FLAG, writeTrustBundle } from '../test/emulators/azure/ca.ts';
import type { AzureEmulator } from '../test/emulators/azure/index.ts';
import { dmChannelOf } from '../test/emulators/slack/index.ts';
import { ids, startHarness, type Harness } from '../test/helpers/harness.ts';
import { redisReachable, startOwnRedis, type OwnRedis } from '../test/helpers/redis-server.ts';
import { jobIdFromTrigger } from '../src/core/job-id.ts';
import { BullJobQueue } from '../src/queue/bullmq-job-queue.ts';
import { playgroundHelp } from './playground/help.ts';
import { showHome } from './playground/home.ts';
import { parseSeries, summariseMetrics } from './playground/metrics.ts';
import { renderMessageText } from './playground/render-text.ts';
import { seedTenant } from './playground/tenant.ts';

const root = resolve(import.meta.dirname, '..');
const buttons = {
  cancel: 'job.cancel',
  approve: 'approval.approve',
  reject: 'approval.reject',
  confirm: 'approval.confirm',
  dismiss: 'approval.dismiss',
  rollback: 'deploy.rollback',
  replace: 'deploy.replace',
  share: 'answer.share',
} as const;
const workDir = join(root, '.playground');

// The emulator's CA must be trusted when Node starts, so the playground re-runs itself with it.
if (process.env[EMULATOR_TRUST_FLAG] !== '1') {
  const bundle = writeTrustBundle(join(root, 'test', '.certs'));
  const child = spawn(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [EMULATOR_TRUST_FLAG]: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  await main();
}

async function findRedis(): Promise<{ url: string; own?: OwnRedis }> {
  const base = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisReachable(base)) {
    const url = new URL(base);
    url.pathname = '/15';
    return { url: url.toString() };
  }
  try {
    const own = await startOwnRedis();
    return { url: own.url, own };
  } catch {
    console.error(
      `No Redis answers at ${base} and redis-server is not on PATH.\n` +
        'Install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n' +
        'or point REDIS_URL at a Redis you have, then run `npm run playground` again.',
    );
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const { url, own } = await findRedis();
  mkdirSync(workDir, { recursive: true });
  const logFile = join(workDir, 'product.log');
  const harness: Harness = await startHarness({
    redisUrl: url,
    registries: 'emulator',
    // Premium, so `/acr replication create` works too.
    registrySku: 'Premium',
    setup: setupDeploys,
    yaml: playgroundYaml,
    env: { CHATOPS_POLL_INTERVAL_MS: '1000', LOG_LEVEL: 'info' },
    azure: { queuedMs: 1500, buildDurationMs: 8000, logLineIntervalMs: 400 },
    onLog: (line) => appendFileSync(logFile, `${line}\n`),
  });
  const users: Record<string, string> = { [ids.alice]: 'alice', [ids.bob]: 'bob', [ids.carol]: 'carol', [ids.admin]: 'admin', [ids.botUser]: 'azure-chatops' };
  console.log(`azure-chatops playground: Slack emulator ${harness.slack.apiUrl}, Azure emulator ${harness.azure.url}, Redis ${url}`);
  console.log(`You are @alice in #dev. Product logs: ${logFile}`);
  console.log('Try: /acr build -t web:v1 https://github.com/org/app.git#main   |   /acr build -t will-fail:v1 https://github.com/org/app.git');
  console.log('     /aci create -n web --image web:v1 --dns-name-label contoso-web --secure-environment-variables DB_PASSWORD=@kv:db-password');
  console.log('     as bob /aci create -n api --image web:v2 --env prod   (needs approval)   |   as carol click approve   |   as carol click reject too risky');
  console.log(
    '     as bob /aci promote -n web --from dev --to prod   (the digest web runs in dev: imported into contosoprod by digest, then deployed once carol approves)',
  );
  console.log(
    '     /aci create -n web --image web:v1 --dns-name-label contoso-web --cpu 2   (CPU cannot change in place: the plan replaces the group)   then  click confirm',
  );
  console.log('     /aci show -n web   |   /aci logs -n web   |   /aci delete -n web  then  click confirm   |   click rollback');
  console.log('     /acr runs   |   /aci list   (lookups answer only you)  then  click share   (posts that answer in #dev)');
  console.log(
    '     /acr show   |   /acr task create --name buildwebapp --image web:{{.Run.ID}} --context https://github.com/org/app.git --git-access-token @kv:github-pat   |   /acr task run --name buildwebapp',
  );
  console.log(
    '     as admin /acr replication create --location japaneast   |   as admin /acr token create --name ci-pull --repository web content/read   |   as admin /acr token list',
  );
  console.log('     as admin /sp expiring   |   as admin /sp list   |   scan   (the scheduled credential alert, now)   |   as admin home   |   metrics');
  console.log('     click cancel   |   /ops job <id>   |   /ops help   |   as bob /acr build …   |   help   |   quit\n');

  // Print every change to the channel's messages and threads, like watching Slack.
  const seen = new Map<string, string>();
  let responsesShown = 0;
  const watch = setInterval(() => {
    for (const msg of harness.slack.messages(ids.devChannel)) {
      const key = `${msg.ts}`;
      const text = renderMessageText(msg, users);
      if (seen.get(key) !== text) {
        const edited = seen.has(key);
        seen.set(key, text);
        console.log(`\n${edited ? '✎ card updated' : '▣ card posted'} (ts ${msg.ts})\n${indent(text, '│ ')}`);
      }
      for (const reply of harness.slack.thread(ids.devChannel, msg.ts)) {
        const rkey = `${msg.ts}/${reply.ts}`;
        if (seen.has(rkey)) continue;
        const rtext = renderMessageText(reply, users);
        seen.set(rkey, rtext);
        console.log(`  ↳ thread of ${msg.ts}:\n${indent(rtext, '  │ ')}`);
      }
    }
    for (const file of harness.slack.files) {
      const fkey = `file/${file.id}`;
      if (seen.has(fkey)) continue;
      seen.set(fkey, '');
      const where = file.channel?.startsWith('D') ? ` in your DM with the bot` : '';
      console.log(
        `  ↳ file attached${where}: ${file.title ?? file.filename} (${file.content.length} bytes)${file.initialComment ? `\n${indent(renderMessageText({ text: file.initialComment }, users), '  │ ')}` : ''}`,
      );
    }
    // Answers that arrive later on a response_url: lookups, click outcomes, shares.
    for (const r of harness.slack.responses.slice(responsesShown)) {
      const body = r.body as { response_type?: string; replace_original?: boolean; text?: string; blocks?: unknown };
      const label = body.response_type === 'in_channel' ? '▣ shared in #dev' : body.replace_original ? '(only you, updated)' : '(only you)';
      console.log(`\n${label}\n${indent(renderMessageText(body, users), '│ ')}`);
    }
    responsesShown = harness.slack.responses.length;
    for (const [id, name] of Object.entries(users)) {
      for (const msg of harness.slack.messages(dmChannelOf(id))) {
        const key = `dm/${msg.ts}`;
        if (seen.has(key)) continue;
        seen.set(key, '');
        console.log(`\n✉ DM to @${name}\n${indent(renderMessageText(msg, users), '│ ')}`);
      }
    }
  }, 250);

  const names = { alice: ids.alice, bob: ids.bob, carol: ids.carol, admin: ids.admin } as const;
  const prompt = (user: string) => (user === ids.alice ? 'chatops> ' : `chatops (@${users[user]})> `);
  let currentUser: string = ids.alice;
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: prompt(currentUser) });
  let closed = false;
  rl.on('close', () => {
    closed = true;
  });
  rl.prompt();
  for await (const raw of rl) {
    let line = raw.trim();
    let userId = currentUser;
    const as = /^as (alice|bob|carol|admin)(?:\s+(.*))?$/.exec(line);
    if (as) {
      userId = names[as[1] as keyof typeof names];
      if (as[2] === undefined) {
        currentUser = userId;
        rl.setPrompt(prompt(currentUser));
        console.log(`You are @${users[currentUser]} now.`);
        if (!closed) rl.prompt();
        continue;
      }
      line = as[2];
    }
    if (line === 'quit' || line === 'exit') break;
    if (line.startsWith('/')) {
      const [command, ...rest] = line.split(' ');
      const res = await harness.command(rest.join(' '), { command: command!, userId });
      const body = res.json as { text?: string } | undefined;
      console.log(`(only you) ${renderMessageText({ text: body?.text ?? res.text }, users)}   [HTTP ${res.status}, ${res.elapsedMs.toFixed(0)} ms]`);
    } else if (line === 'home') {
      console.log(`\n⌂ App Home of @${users[userId]}\n${indent(await showHome(harness, userId, users), '│ ')}`);
    } else if (line === 'metrics') {
      console.log(`\n${await scrapeSummary(harness)}`);
    } else if (line === 'scan') {
      const jobId = await scanNow(harness);
      console.log(`Credential scan \`${jobId}\` queued, as credentials.schedule would queue it; its alert is posted in #dev.`);
    } else if (line === 'help') {
      console.log(playgroundHelp);
    } else if (/^click share\b/.test(line)) {
      // The newest private answer that still has its Share in channel button.
      const answer = [...harness.slack.responses]
        .reverse()
        .map((r) => r.body as { blocks?: { elements?: { action_id?: string; value?: string }[] }[] })
        .find((b) => (b.blocks ?? []).some((blk) => (blk.elements ?? []).some((e) => e.action_id === buttons.share)));
      const value = (answer?.blocks ?? []).flatMap((b) => b.elements ?? []).find((e) => e.action_id === buttons.share)?.value;
      if (!value) console.log('No private answer with a Share in channel button right now (try /acr runs first).');
      else await harness.click(buttons.share, value, { userId, messageTs: '0.000001' });
      await new Promise((r) => setTimeout(r, 500));
    } else if (/^click (cancel|approve|reject|confirm|dismiss|rollback|replace)\b/.test(line)) {
      const [, button, ...why] = line.split(' ');
      const actionId = buttons[button as keyof typeof buttons];
      const card = [...harness.slack.messages(ids.devChannel)].reverse().find((m) => JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`));
      if (!card) console.log(`No card with a ${button} button right now.`);
      else {
        const elements = (card.blocks ?? []).flatMap((b) => (b as { elements?: { action_id?: string; value?: string }[] }).elements ?? []);
        const jobId = elements.find((e) => e.action_id === actionId)?.value ?? '';
        const views = harness.slack.views.length;
        await harness.click(actionId, jobId, { userId, messageTs: card.ts });
        await new Promise((r) => setTimeout(r, 300));
        if (harness.slack.views.length > views) {
          // Reject opens a modal asking why; the rest of the line is the answer.
          await harness.submitView(harness.slack.views.at(-1)!.view as { callback_id?: string; private_metadata?: string }, userId, {
            reason: why.join(' ') || 'no reason given',
          });
        }
        // The outcome arrives on the click's response_url; the watcher prints it.
        await new Promise((r) => setTimeout(r, 500));
      }
    } else if (line) {
      console.log('Type a slash command (/acr build …, /aci create …, /ops help), "click …", "home", "metrics", "scan", "help" (lists them all) or "quit".');
    }
    if (!closed) rl.prompt();
  }
  // Lookups answer on their response_url after the command returns, and input may end before they do: keep printing until they settle.
  await settle(harness);
  clearInterval(watch);
  rl.close();
  await harness.stop();
  await own?.stop();
  process.exit(0);
}

function metricsUrl(harness: Harness): string {
  return harness.botUrl.replace(/\/slack\/events$/, '/metrics');
}

async function scrapeSummary(harness: Harness): Promise<string> {
  const res = await fetch(metricsUrl(harness));
  if (res.status !== 200) return `GET /metrics answered ${res.status}; see the product log.`;
  return summariseMetrics(await res.text());
}

/** The scheduled credential scan, queued now the way the scheduler queues it. */
async function scanNow(harness: Harness): Promise<string> {
  const jobId = jobIdFromTrigger(ids.team, `playground-scan-${Date.now()}`);
  const jobs = new BullJobQueue(harness.redis);
  try {
    await jobs.submit('expiry-scan', jobId, { jobId, trigger: 'schedule', phase: 'new' });
  } finally {
    await jobs.close();
  }
  return jobId;
}

/**
 * Waits (up to 20 s) until no job is ready or running and the outbox and App Home queues are
 * empty, so answers still on their way are printed. Followed builds and deploys waiting for
 * approval sit delayed: they would outlive any wait, so they are left (their state is in Redis).
 */
async function settle(harness: Harness): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await fetch(metricsUrl(harness)).catch(() => undefined);
    if (!res?.ok) break;
    const all = parseSeries(await res.text());
    const busy = all.filter(
      (s) =>
        (s.name === 'chatops_queue_jobs' &&
          (s.labels.state === 'waiting' || s.labels.state === 'active' || (s.labels.queue !== 'jobs' && s.labels.state === 'delayed'))) ||
        s.name === 'chatops_outbox_backlog',
    );
    if (busy.every((s) => s.value === 0)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // One more look of the watcher, which prints every 250 ms.
  await new Promise((r) => setTimeout(r, 600));
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

/** Images, a Key Vault per environment and ACI resource groups, so `/aci` works in the playground. */
function setupDeploys(azure: AzureEmulator): void {
  for (const name of ['contosodev', 'contosoprod']) {
    azure.registryData.pushTag(name, 'web', 'v1');
    azure.registryData.pushTag(name, 'web', 'v2');
    azure.aci.allowImagesFrom(
      azure.registryData
        .endpoint(name)
        .replace(/^https:\/\//, '')
        .split('/')[0]!,
    );
  }
  azure.aci.addResourceGroup(ids.subscription, 'rg-dev', 'eastus');
  azure.aci.addResourceGroup(ids.prodSubscription, 'rg-prod', 'westeurope');
  azure.aci.timing.provisionMs = 6000;
  for (const vault of ['kv-dev', 'kv-prod']) {
    azure.keyVault.addVault(vault, ids.tenant);
    azure.keyVault.setSecret(vault, 'db-password', 'playground-db-password');
    azure.keyVault.setSecret(vault, 'acr-pull', 'playground-pull-password');
    // For `/acr task create … --git-access-token @kv:github-pat`.
    azure.keyVault.setSecret(vault, 'github-pat', 'playground-github-token');
  }
  azure.keyVault.addVault('kv-ops', ids.tenant);
  // Cloned only with that token: `/acr build … --git-access-token @kv:github-pat` builds it, without the flag it fails.
  azure.acr.addPrivateRepository('https://github.com/org/private-app.git', ['playground-github-token']);
  // App registrations with secrets expiring in 2, 10 and 40 days, for `/sp expiring`, `/sp list`, `scan` and the admin's Home.
  seedTenant(azure, ids.tenant);
}

function playgroundYaml(azure: AzureEmulator): string {
  return `
defaultEnvironment: dev
environments:
  dev:
    subscriptionId: ${ids.subscription}
    resourceGroup: rg-dev
    location: eastus
    registry: contosodev
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-dev')}
    registryCredentials: { username: 00000000-0000-4000-8000-0000000000a1, passwordSecret: acr-pull }
    gitAccessTokens: { github-pat: [github.com] }
    channels: [${ids.devChannel}]
  prod:
    subscriptionId: ${ids.prodSubscription}
    resourceGroup: rg-prod
    location: westeurope
    registry: contosoprod
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-prod')}
    registryCredentials: { username: 00000000-0000-4000-8000-0000000000a2, passwordSecret: acr-pull }
    gitAccessTokens: { github-pat: [github.com] }
    approval: { approvers: [${ids.carol}], required: 1, expiresAfter: 1h }
access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    dev:  { builder: [${ids.devs}], deployer: [${ids.devs}], viewer: ["*"] }
    prod: { builder: [${ids.devs}], deployer: [${ids.sre}], viewer: ["*"] }
credentials:
  alertChannel: ${ids.devChannel}
  schedule: "0 9 * * 1"
  keyVaultUrl: ${azure.keyVault.vaultUrl('kv-ops')}
  tenantId: ${ids.tenant}
`;
}
