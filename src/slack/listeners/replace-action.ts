import type { App } from '@slack/bolt';
import { ActionId } from '../action-ids.ts';
import { registerFollowUpDeploy, type FollowUpDeployDeps } from './follow-up-deploy.ts';

/**
 * Plan replacement: on a deploy whose PUT ARM refused as an in-place update it cannot make, a
 * new deploy job of the same request that deletes the group, then creates it. It is a new plan
 * (with the group as it is now), confirmed or approved like any, not a retry of the refused PUT.
 */
export function registerReplaceAction(app: App, deps: FollowUpDeployDeps): void {
  registerFollowUpDeploy(app, deps, ActionId.Replace, 'button.deploy.replace', async (source, sourceId) => {
    if (!source.progress.inPlaceRefused)
      return { ok: false, reply: `Azure did not refuse job \`${sourceId}\` as an in-place update, so there is no replacement to plan.` };
    const approval = deps.environments[source.environment]?.approval;
    return {
      ok: true,
      changes: { replaceOf: sourceId },
      details: { replaceOf: sourceId },
      reply: (jobId) =>
        `:recycle: Planning the replacement of *${source.target.name}* (delete, then create) as job \`${jobId}\`. ${approval ? 'It needs approval like any deploy.' : 'Confirm it on its card once the plan is ready.'}`,
    };
  });
}
