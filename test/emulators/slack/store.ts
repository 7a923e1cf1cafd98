/**
 * In-memory state of the emulated workspace: tokens, channels, users, usergroups, messages,
 * ephemerals, files, views, `response_url` posts and the call log.
 *
 * Mutations only happen from method handlers once a call has passed every check, so a rejected
 * call (fault, auth or argument error) never changes state.
 */
import type {
  EmulatedChannel,
  EmulatedEphemeral,
  EmulatedFile,
  EmulatedHomeView,
  EmulatedMessage,
  EmulatedUser,
  EmulatedView,
  RecordedCall,
  RecordedResponse,
  ResolvedIdentity,
  TokenIdentity,
} from './types.ts';
import { TriggerClock } from './triggers.ts';

/** Produces Slack-style message timestamps (`"1732760000.000100"`): unique and strictly increasing. */
export class TsClock {
  private lastMicros = 0n;

  /** Next timestamp, based on the wall clock but never equal to or below the previous one. */
  next(): string {
    const nowMicros = BigInt(Date.now()) * 1000n;
    this.lastMicros = nowMicros > this.lastMicros ? nowMicros : this.lastMicros + 1n;
    const seconds = this.lastMicros / 1_000_000n;
    const micros = this.lastMicros % 1_000_000n;
    return `${seconds}.${micros.toString().padStart(6, '0')}`;
  }
}

/** Fills the defaults of a token identity. */
export function resolveIdentity(token: string, identity: TokenIdentity): ResolvedIdentity {
  return {
    token,
    teamId: identity.teamId,
    botUserId: identity.botUserId,
    appId: identity.appId ?? 'A0EMULATOR',
    botId: identity.botId ?? `B${identity.botUserId.replace(/^[UW]/, '')}`,
    teamName: identity.teamName ?? 'Emulated Workspace',
    teamDomain: identity.teamDomain ?? 'emulated',
    userName: identity.userName ?? 'bot',
    scopes: identity.scopes ?? [],
    homeTabEnabled: identity.homeTabEnabled ?? true,
  };
}

/** The mutable state behind a {@link SlackEmulator}. */
export class SlackStore {
  readonly clock = new TsClock();
  readonly tokens = new Map<string, ResolvedIdentity>();
  readonly channels = new Map<string, EmulatedChannel>();
  readonly users = new Map<string, EmulatedUser>();
  readonly usergroups = new Map<string, string[]>();

  /** Messages per channel in posting order (top level and replies together). */
  readonly messagesByChannel = new Map<string, EmulatedMessage[]>();
  readonly ephemerals: EmulatedEphemeral[] = [];
  readonly files = new Map<string, EmulatedFile>();
  readonly views: EmulatedView[] = [];
  /** The Home tab each user sees now (`views.publish`), by user id. */
  readonly homeViews = new Map<string, EmulatedHomeView>();
  /** Every Home tab published, oldest first. */
  readonly homePublishes: EmulatedHomeView[] = [];
  readonly usedTriggers = new Set<string>();
  /** When each trigger_id was issued: `views.open` takes only these, for three seconds. */
  readonly triggers = new TriggerClock();
  /** Tokens that stopped working, with the error every call answers (`token_revoked`, `account_inactive`, …). */
  readonly brokenTokens = new Map<string, string>();
  readonly responses: RecordedResponse[] = [];
  readonly calls: RecordedCall[] = [];
  private fileSeq = 0;
  private viewSeq = 0;

  /** Clears traffic and content; keeps tokens, channels, users and usergroups. */
  clearTraffic(): void {
    this.messagesByChannel.clear();
    this.ephemerals.length = 0;
    this.files.clear();
    this.views.length = 0;
    this.homeViews.clear();
    this.homePublishes.length = 0;
    this.usedTriggers.clear();
    this.triggers.clear();
    this.brokenTokens.clear();
    this.responses.length = 0;
    this.calls.length = 0;
  }

  /** A new file id such as `F0EMU00001`. */
  nextFileId(): string {
    this.fileSeq += 1;
    return `F0EMU${this.fileSeq.toString(36).toUpperCase().padStart(5, '0')}`;
  }

  /** A new view id such as `V0EMU00001`. */
  nextViewId(): string {
    this.viewSeq += 1;
    return `V0EMU${this.viewSeq.toString(36).toUpperCase().padStart(5, '0')}`;
  }

  /** The live list of messages of a channel (created on demand). */
  channelMessages(channel: string): EmulatedMessage[] {
    let list = this.messagesByChannel.get(channel);
    if (!list) {
      list = [];
      this.messagesByChannel.set(channel, list);
    }
    return list;
  }

  /** Finds a message (top level or reply) by channel and `ts`. */
  findMessage(channel: string, ts: string): EmulatedMessage | undefined {
    return this.messagesByChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /**
   * Appends a message; when it is a reply, marks the parent as a thread parent
   * (`thread_ts` = own ts, `reply_count` incremented) as Slack does.
   */
  addMessage(message: EmulatedMessage): void {
    const list = this.channelMessages(message.channel);
    if (message.thread_ts !== undefined && message.thread_ts !== message.ts) {
      const parent = list.find((m) => m.ts === message.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
      }
    }
    list.push(message);
  }

  /**
   * Deletes a message. A parent with replies becomes a tombstone ("This message was deleted.",
   * `subtype: tombstone`, as conversations.replies shows it) so its thread lives on; anything
   * else is removed. A reply's parent loses one from `reply_count`.
   */
  deleteMessage(channel: string, ts: string): boolean {
    const list = this.channelMessages(channel);
    const found = list.find((m) => m.ts === ts);
    if (!found || found.subtype === 'tombstone') return false;
    if (!SlackStore.isReply(found) && (found.reply_count ?? 0) > 0) {
      found.subtype = 'tombstone';
      found.text = 'This message was deleted.';
      found.blocks = [];
      delete found.metadata;
      delete found.attachments;
      return true;
    }
    list.splice(list.indexOf(found), 1);
    if (SlackStore.isReply(found) && found.thread_ts !== undefined) {
      const parent = this.findMessage(channel, found.thread_ts);
      if (parent?.reply_count !== undefined) parent.reply_count = Math.max(0, parent.reply_count - 1);
    }
    return true;
  }

  /** Whether a message is a reply (has a `thread_ts` different from its own `ts`). */
  static isReply(message: EmulatedMessage): boolean {
    return message.thread_ts !== undefined && message.thread_ts !== message.ts;
  }
}
