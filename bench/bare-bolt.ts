/** The baseline for the ack benchmark: a Bolt app whose /acr listener only acks. */
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  token: process.env.SLACK_BOT_TOKEN!,
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL! },
  logLevel: LogLevel.ERROR,
});
app.command('/acr', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
const server = (await app.start(0)) as { address(): { port: number } };
console.log(`bare bolt listening on ${server.address().port}`);
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
