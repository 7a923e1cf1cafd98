/** The Slack emulator in its own process, so benchmarks measure the bot, not the emulator. */
import { startSlackEmulator } from '../test/emulators/slack/index.ts';

const slack = await startSlackEmulator();
slack.addToken(process.env.SLACK_BOT_TOKEN!, { teamId: 'T0TEAM', botUserId: 'U0BOT', appId: 'A0CHATOPS' });
const server = await import('node:http');
// A tiny control endpoint: GET /stats returns call counts by method, for per-build figures.
const control = server.createServer((_req, res) => {
  const byMethod: Record<string, number> = {};
  for (const c of slack.calls) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ byMethod, total: slack.calls.length }));
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
console.log(`slack emulator ${slack.apiUrl} control http://127.0.0.1:${(control.address() as { port: number }).port}`);
process.once('SIGTERM', () => void slack.close().then(() => process.exit(0)));
