/** Shared setup of the registry end-to-end tests: a Key Vault per purpose, config with roles. */
import { expect } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { answerText, privateAnswer } from '../../helpers/answers.ts';
import { ids, replyOf, startHarness, type Harness, type HarnessOptions } from '../../helpers/harness.ts';

export const reg = {
  registryId: `/subscriptions/${ids.subscription}/resourceGroups/rg-dev/providers/Microsoft.ContainerRegistry/registries/contosodev`,
  pat: 'ghp_REALLOOKINGpat0123456789abcdefghijklmn',
  patSecret: 'github-pat',
  /** Listed under gitAccessTokens, never put in the vault. */
  missingPatSecret: 'missing-pat',
} as const;

function yaml(azure: AzureEmulator, devExtra: string): string {
  return `
defaultEnvironment: dev
environments:
  dev:
    subscriptionId: ${ids.subscription}
    resourceGroup: rg-dev
    location: eastus
    registry: contosodev
    channels: [${ids.devChannel}]
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-dev')}
    gitAccessTokens: { ${reg.patSecret}: [github.com], ${reg.missingPatSecret}: [github.com] }
${devExtra}
access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    dev: { builder: [${ids.devs}], viewer: ["*"] }
credentials:
  alertChannel: C0ALERTS
  schedule: "0 0 1 1 *"
  keyVaultUrl: ${azure.keyVault.vaultUrl('kv-ops')}
  tenantId: ${ids.tenant}
`;
}

export function startRegistryHarness(options: HarnessOptions & { dev?: string } = {}): Promise<Harness> {
  return startHarness({
    ...options,
    setup: (azure, slack) => {
      azure.keyVault.addVault('kv-dev', ids.tenant);
      azure.keyVault.addVault('kv-ops', ids.tenant);
      azure.keyVault.setSecret('kv-dev', reg.patSecret, reg.pat);
      options.setup?.(azure, slack);
    },
    yaml: (azure) => yaml(azure, options.dev ?? ''),
  });
}

export function cardOf(h: Harness, jobId: string) {
  return h.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId));
}

export function threadText(h: Harness, jobId: string): string {
  const card = cardOf(h, jobId);
  return card ? JSON.stringify(h.slack.thread(ids.devChannel, card.ts)) : '';
}

/** Sends the command; returns the job id from the ephemeral answer. */
export async function run(h: Harness, text: string, userId: string = ids.alice): Promise<string> {
  const res = await h.command(text, { userId });
  const body = replyOf(res);
  const jobId = /`(j[0-9a-z]{12})`/.exec(body.text)?.[1];
  expect(jobId, body.text).toBeDefined();
  return jobId!;
}

/** The ephemeral answer to a command that must not queue anything. */
export async function answer(h: Harness, text: string, userId: string = ids.alice): Promise<string> {
  const res = await h.command(text, { userId });
  expect(res.status).toBe(200);
  return JSON.stringify(res.json);
}

/** Waits for the card to reach a final status; returns its blocks as JSON. */
export async function finished(h: Harness, jobId: string, timeoutMs = 20_000): Promise<string> {
  await h.slack
    .waitFor(
      () => /\*:(white_check_mark|x|no_entry|hourglass): (Succeeded|Failed|Rejected|Expired)\*/.test(JSON.stringify(cardOf(h, jobId)?.blocks ?? [])),
      timeoutMs,
    )
    .catch((err: unknown) => {
      throw new Error(
        `job ${jobId} never finished: ${JSON.stringify(cardOf(h, jobId)?.blocks ?? [])} ${h.logs
          .filter((l) => l.includes('"level":50') || l.includes('"level":40'))
          .slice(-3)
          .join('\n')}`,
        { cause: err },
      );
    });
  const card = cardOf(h, jobId)!;
  await h.slack.waitFor(() => h.slack.thread(ids.devChannel, card.ts).length > 0 || h.slack.files.some((f) => f.threadTs === card.ts), 5000).catch(() => {});
  return JSON.stringify(card.blocks);
}

/** The private answer of a read-only command's job (as JSON text); waits for it. */
export async function answered(h: Harness, jobId: string): Promise<string> {
  return answerText(await privateAnswer(h, jobId));
}

/** Waits until the card shows `actionId` (a Confirm or Approve button). */
export async function waitForButton(h: Harness, jobId: string, actionId: string): Promise<string> {
  await h.slack.waitFor(() => JSON.stringify(cardOf(h, jobId)?.blocks ?? []).includes(actionId), 15_000);
  return cardOf(h, jobId)!.ts;
}

/** Every Slack call, log line and Redis value, to search for secrets. */
export async function everythingSaid(h: Harness): Promise<string> {
  const keys = await h.redis.keys('*');
  const values: string[] = [];
  for (const key of keys) {
    const type = await h.redis.type(key);
    if (type === 'string') values.push((await h.redis.get(key)) ?? '');
    else if (type === 'hash') values.push(JSON.stringify(await h.redis.hgetall(key)));
    else if (type === 'list') values.push(JSON.stringify(await h.redis.lrange(key, 0, -1)));
    else if (type === 'stream') values.push(JSON.stringify(await h.redis.xrange(key, '-', '+')));
    else if (type === 'zset') values.push(JSON.stringify(await h.redis.zrange(key, '0', '-1')));
  }
  return [JSON.stringify(h.slack.calls), h.logs.join('\n'), values.join('\n')].join('\n');
}
