/**
 * `npm run playground`: the whole product (bot, worker, outbox) against the Slack and Azure
 * emulators, with a prompt to type slash commands and press buttons. No accounts needed.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EMULATOR_TRUST_FLAG, writeTrustBundle } from '../test/emulators/azure/ca.ts';
import { ids, startHarness, type Harness } from '../test/helpers/harness.ts';
import { redisReachable, startOwnRedis, type OwnRedis } from '../test/helpers/redis-server.ts';
import { renderMessageText } from './playground/render-text.ts';

const root = resolve(import.meta.dirname, '..');
const workDir = join(root, '.playground');

// The emulator's CA must be trusted when Node starts, so the playground re-runs itself with it.
if (process.env[EMULATOR_TRUST_FLAG] !== '1') {
  const bundle = writeTrustBundle(join(root, 'test', '.certs'));
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [EMULATOR_TRUST_FLAG]: '1' } });
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
    env: { CHATOPS_POLL_INTERVAL_MS: '1000', LOG_LEVEL: 'info' },
    azure: { queuedMs: 1500, buildDurationMs: 8000, logLineIntervalMs: 400 },
    onLog: (line) => appendFileSync(logFile, `${line}\n`),
  });
  const users: Record<string, string> = { [ids.alice]: 'alice', [ids.bob]: 'bob', [ids.admin]: 'admin', [ids.botUser]: 'azure-chatops' };
  console.log(`azure-chatops playground: Slack emulator ${harness.slack.apiUrl}, Azure emulator ${harness.azure.url}, Redis ${url}`);
  console.log(`You are @alice in #dev. Product logs: ${logFile}`);
  console.log('Try: /acr build -t web:v1 https://github.com/org/app.git#main   |   /acr build -t will-fail:v1 https://github.com/org/app.git');
  console.log('     click cancel   |   /ops job <id>   |   /ops help   |   as bob /acr build …   |   quit\n');

  // Print every change to the channel's messages and threads, like watching Slack.
  const seen = new Map<string, string>();
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
      console.log(`  ↳ file attached: ${file.title ?? file.filename} (${file.content.length} bytes)${file.initialComment ? `\n${indent(renderMessageText({ text: file.initialComment }, users), '  │ ')}` : ''}`);
    }
  }, 250);

  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'chatops> ' });
  let closed = false;
  rl.on('close', () => {
    closed = true;
  });
  rl.prompt();
  for await (const raw of rl) {
    let line = raw.trim();
    let userId: string = ids.alice;
    const as = /^as (alice|bob|admin)\s+(.*)$/.exec(line);
    if (as) {
      userId = as[1] === 'bob' ? ids.bob : as[1] === 'admin' ? ids.admin : ids.alice;
      line = as[2]!;
    }
    if (line === 'quit' || line === 'exit') break;
    if (line.startsWith('/')) {
      const [command, ...rest] = line.split(' ');
      const res = await harness.command(rest.join(' '), { command: command!, userId });
      const body = res.json as { text?: string } | undefined;
      console.log(`(only you) ${renderMessageText({ text: body?.text ?? res.text }, users)}   [HTTP ${res.status}, ${res.elapsedMs.toFixed(0)} ms]`);
    } else if (/^click cancel$/.test(line)) {
      const card = [...harness.slack.messages(ids.devChannel)].reverse().find((m) => JSON.stringify(m.blocks ?? []).includes('"job.cancel"'));
      if (!card) console.log('No card with a Cancel button right now.');
      else {
        const jobId = /"value":"(j[0-9a-z]{12})"/.exec(JSON.stringify(card.blocks))?.[1] ?? '';
        await harness.click('job.cancel', jobId, { userId, messageTs: card.ts });
        await new Promise((r) => setTimeout(r, 300));
        for (const r of harness.slack.responses.slice(-1)) console.log(`(only you) ${renderMessageText(r.body as { text?: string }, users)}`);
      }
    } else if (line) {
      console.log('Type a slash command (/acr build …, /ops help), "click cancel", or "quit".');
    }
    if (!closed) rl.prompt();
  }
  // Piped input ends before the builds do: keep printing until the cards settle.
  if (closed) await new Promise((r) => setTimeout(r, 1500));
  clearInterval(watch);
  rl.close();
  await harness.stop();
  await own?.stop();
  process.exit(0);
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((l) => `${prefix}${l}`).join('\n');
}
