import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { HomeRefresh, HomeViewers } from '../../core/home/ports.ts';

export interface AppHomeDeps {
  policy: AccessPolicy;
  viewers: Pick<HomeViewers, 'opened'>;
  refresh: HomeRefresh;
  logger: Logger;
  now?: () => Date;
}

/**
 * `app_home_opened`: remembers who looks at the Home (only their Homes are kept up to date) and
 * asks for theirs to be published. The Home itself is built and sent by the outbox worker, so
 * the bot's event loop only writes two Redis keys here.
 */
export function registerAppHome(app: App, deps: AppHomeDeps): void {
  const now = deps.now ?? (() => new Date());
  app.event('app_home_opened', async ({ event, body }) => {
    // The same event comes for the Messages tab, which this app does not use.
    if (event.tab !== 'home') return;
    const decision = await deps.policy.check({ userId: event.user, teamId: body.team_id, apiAppId: body.api_app_id, action: 'home.view' });
    if (!decision.allowed) {
      deps.logger.info({ user: event.user, team: body.team_id, reason: decision.reason }, 'App Home opened from another workspace or app; ignored');
      return;
    }
    await deps.viewers.opened({ userId: event.user, teamId: body.team_id, apiAppId: body.api_app_id, openedAt: now().toISOString() });
    await deps.refresh.user(event.user);
  });
}
