import type { AnswerStore, StoredAnswer } from '../core/query-answer.ts';
import { RedisStore } from './redis-store.ts';

/**
 * How long an answer can be shared. Slack keeps an ephemeral message on screen until the
 * client reloads, so a day covers it; a later click is told to ask again.
 */
const ttlSeconds = 24 * 3600;
/** Most characters of an answer's text kept for sharing (logs can run to megabytes). */
export const maxStoredTextChars = 1024 * 1024;

/** {@link AnswerStore} in Redis: one JSON value per answer and a first-sharer key, both expiring. */
export class RedisAnswerStore extends RedisStore implements AnswerStore {
  #key(answerId: string, part: 'answer' | 'shared'): string {
    return `${this.prefix}:answer:${answerId}:${part}`;
  }

  async put(answerId: string, stored: StoredAnswer): Promise<void> {
    await this.redis.set(this.#key(answerId, 'answer'), JSON.stringify(withBoundedText(stored)), 'EX', ttlSeconds);
  }

  async get(answerId: string): Promise<StoredAnswer | undefined> {
    const json = await this.redis.get(this.#key(answerId, 'answer'));
    return json ? (JSON.parse(json) as StoredAnswer) : undefined;
  }

  async claimShare(answerId: string, userId: string): Promise<{ first: boolean; by: string }> {
    const key = this.#key(answerId, 'shared');
    // Not `SET NX GET`: that needs Redis 7, and Azure Cache for Redis still runs 6.
    if ((await this.redis.set(key, userId, 'EX', ttlSeconds, 'NX')) === 'OK') return { first: true, by: userId };
    return { first: false, by: (await this.redis.get(key)) ?? userId };
  }

  async releaseShare(answerId: string): Promise<void> {
    await this.redis.del(this.#key(answerId, 'shared'));
  }
}

/** Cuts an answer's text to what is kept, at the end that matters (a log's tail, a list's head). */
function withBoundedText(stored: StoredAnswer): StoredAnswer {
  const text = stored.answer.text;
  if (!text || text.content.length <= maxStoredTextChars) return stored;
  const content = text.keep === 'tail' ? text.content.slice(-maxStoredTextChars) : text.content.slice(0, maxStoredTextChars);
  return {
    ...stored,
    answer: {
      ...stored.answer,
      text: { ...text, content, title: `${text.title} (cut to the ${text.keep === 'tail' ? 'last' : 'first'} ${maxStoredTextChars} characters)` },
    },
  };
}
