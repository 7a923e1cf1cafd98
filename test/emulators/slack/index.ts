/**
 * Slack Web API emulator for tests: a real HTTP server that `@slack/web-api`'s `WebClient` and
 * Bolt's `App` (`clientOptions: { slackApiUrl: emulator.apiUrl }`) talk to.
 *
 * @example
 * const slack = await startSlackEmulator();
 * slack.addToken('xoxb-test', { teamId: 'T1', botUserId: 'U0BOT' });
 * const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl });
 * await client.chat.postMessage({ channel: 'C1', text: 'hi' });
 * slack.messages('C1'); // [{ ts, text: 'hi', … }]
 * await slack.close();
 */
export { SlackEmulator, startSlackEmulator } from './server.ts';
export type { SlackEmulatorOptions } from './server.ts';
export type { ErrorNextOptions, FailNextOptions, LoseAnswerOptions, RateLimitOptions } from './faults.ts';
export type { SlowDownOptions } from './latency.ts';
export type { BucketSpec, SlackLimitsOptions } from './limits.ts';
export { BLOCK_TEXT_BUDGET, MAX_BLOCKS, MAX_TEXT_CHARS, PER_BLOCK_CHARGE } from './block-kit.ts';
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './response-urls.ts';
export { TRIGGER_TTL_MS } from './triggers.ts';
export { RESPONSE_URL_METHOD, UPLOAD_METHOD } from './types.ts';
export { dmChannelOf } from './methods/common.ts';
export type {
  EmulatedChannel,
  EmulatedEphemeral,
  EmulatedFile,
  EmulatedHomeView,
  EmulatedMessage,
  EmulatedUser,
  EmulatedView,
  MessageFileRef,
  MessageVersion,
  RecordedCall,
  RecordedResponse,
  TokenIdentity,
} from './types.ts';
