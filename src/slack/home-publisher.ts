import { createHash } from 'node:crypto';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { buildHomeModel, type HomeSources } from '../core/home/home-model.ts';
import type { HomeRefresh, HomeViewers } from '../core/home/ports.ts';
import type { HomeJobs } from '../outbox/home-worker.ts';
import type { RedisHomeStore } from '../queue/home-store.ts';
import { renderHome } from './render/home-blocks.ts';

/** At most one publish per person in this long, however often their Home changes. */
export const homeMinIntervalMs = 3000;

export interface HomePublisherOptions {
  /** Built with `rejectRateLimitedCalls: true`, so a 429 comes back here instead of stalling the outbox. */
  client: WebClient;
  sources: HomeSources;
  store: Pick<RedisHomeStore, 'waitBeforePublish' | 'lastPublished' | 'published'> & Pick<HomeViewers, 'viewer' | 'viewers'>;
  refresh: HomeRefresh;
  logger: Logger;
  minIntervalMs?: number;
  now?: () => Date;
}

/**
 * Publishes App Homes (`views.publish`) for the outbox worker: builds the person's Home from
 * stored state, renders it, and sends it unless it is what they already have. Only people who
 * opened the Home get one, and each at most once per `minIntervalMs`.
 */
export function createHomePublisher(options: HomePublisherOptions): HomeJobs {
  const { client, store, logger } = options;
  const now = options.now ?? (() => new Date());
  const minIntervalMs = options.minIntervalMs ?? homeMinIntervalMs;
  let workspaceUrl: Promise<string | undefined> | undefined;

  /** The workspace URL for thread links, asked once (auth.test needs no scope). */
  function workspace(): Promise<string | undefined> {
    workspaceUrl ??= client.auth.test().then(
      (r) => r.url,
      () => {
        workspaceUrl = undefined; // ask again next time
        return undefined;
      },
    );
    return workspaceUrl;
  }

  return {
    async publish(userId) {
      const viewer = await store.viewer(userId);
      // Someone who never opened the Home has nothing to refresh; opening it publishes it.
      if (!viewer) return {};
      const wait = await store.waitBeforePublish(userId);
      if (wait > 0) return { retryInMs: wait };
      const model = await buildHomeModel(options.sources, viewer, now());
      const url = await workspace();
      const view = renderHome(model, url ? { workspaceUrl: url } : {});
      const fingerprint = createHash('sha256').update(JSON.stringify(view)).digest('base64url');
      if ((await store.lastPublished(userId)) === fingerprint) return {};
      try {
        await client.views.publish({ user_id: userId, view });
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number; data?: { error?: string; response_metadata?: unknown } };
        if (e.code === ErrorCode.RateLimitedError) return { retryInMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
        if (e.code === ErrorCode.PlatformError) {
          // Not retried: a Home tab that is not enabled, or a view Slack refuses, stays so until someone changes something.
          const hint =
            e.data?.error === 'not_enabled'
              ? 'enable the Home tab (features.app_home.home_tab_enabled in slack-manifest.yaml) and reinstall the app'
              : 'a bug: the Home view broke a Block Kit rule';
          logger.error({ user: userId, slackError: e.data?.error, details: e.data?.response_metadata, hint }, 'Slack refused the App Home');
          return {};
        }
        throw err;
      }
      await store.published(userId, fingerprint, minIntervalMs);
      return {};
    },
    async everyone() {
      for (const viewer of await store.viewers(now())) await options.refresh.user(viewer.userId);
    },
  };
}
