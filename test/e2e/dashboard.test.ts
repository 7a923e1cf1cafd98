/**
 * The queue dashboard in a real browser: the product started with CHATOPS_ADMIN_PORT, Bull
 * Board opened in headless Chromium (Debian's package, driven by playwright-core).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../helpers/chromium.ts';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { freePort } from '../helpers/redis-server.ts';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn("[dashboard.test] skipped: no Chromium here (install Debian's chromium package, or set CHROMIUM_PATH)");

const admin = { username: 'ops', password: 'dashboard-password-for-tests' };
let h: Harness | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeBrowser?.();
  closeBrowser = undefined;
  await h?.stop();
  h = undefined;
});

describe.skipIf(!chromiumPath)('queue dashboard in a browser', () => {
  it('lists the queues and a finished build job for the operator, and answers 401 without credentials', async () => {
    const port = await freePort();
    h = await startHarness({ env: { CHATOPS_ADMIN_PORT: String(port), CHATOPS_ADMIN_USER: admin.username, CHATOPS_ADMIN_PASSWORD: admin.password } });
    const url = `http://127.0.0.1:${port}`;
    const res = await h.command('build -t web:v1 https://github.com/org/app.git#main');
    const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!;
    await h.slack.waitFor(
      () => JSON.stringify(h!.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks).includes(jobId))?.blocks ?? []).includes('Succeeded'),
      30_000,
    );

    const anonymous = await fetch(`${url}/api/queues`);
    expect(anonymous.status).toBe(401);

    const stranger = await launchChromium(chromiumPath!);
    closeBrowser = stranger.close;
    const refused = await stranger.context.request.get(url);
    expect(refused.status()).toBe(401);
    expect(refused.headers()['www-authenticate']).toMatch(/^Basic /);
    // A browser without credentials gets the challenge and, headless, cannot answer it.
    await expect(stranger.context.newPage().then((p) => p.goto(url))).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    await stranger.close();

    const operator = await launchChromium(chromiumPath!, { httpCredentials: admin });
    closeBrowser = operator.close;
    const page = await operator.context.newPage();
    const home = await page.goto(url);
    expect(home?.status()).toBe(200);
    await page.getByText('slack-outbox').first().waitFor({ timeout: 20_000 });
    await page.getByText('slack-home').first().waitFor();
    await page.getByText('jobs', { exact: true }).first().waitFor();
    await page.goto(`${url}/queue/jobs?status=completed`);
    await page.getByText(jobId).first().waitFor({ timeout: 20_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person reads, not a DOM property
    const body = await page.locator('body').innerText();
    expect(body).toContain('build');
    // Read-only by default: no retry or clean controls are offered.
    expect(await page.getByRole('button', { name: /clean all/i }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /retry/i }).count()).toBe(0);
  });
});
