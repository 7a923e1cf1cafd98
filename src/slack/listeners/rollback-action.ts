import type { App } from '@slack/bolt';
import type { DeployJobData, DeployRecord } from '../../core/deploy/deploy-job.ts';
import { ActionId } from '../action-ids.ts';
import { registerFollowUpDeploy, type FollowUpDeployDeps } from './follow-up-deploy.ts';

export type RollbackActionDeps = FollowUpDeployDeps;

/**
 * The deploy to go back to: the newest known-good deploy of the group older than `data`'s
 * (or, when `data` failed, the newest one), with a different image.
 */
export function previousKnownGood(data: DeployJobData, history: readonly DeployRecord[]): DeployRecord | undefined {
  const digest = data.progress.plan?.digest;
  const index = history.findIndex((r) => r.jobId === data.jobId);
  const older = index === -1 ? history : history.slice(index + 1);
  return older.find((r) => r.digest !== digest);
}

/** Rollback: a new deploy job of the previous known-good digest, with the same settings. */
export function registerRollbackAction(app: App, deps: RollbackActionDeps): void {
  registerFollowUpDeploy(app, deps, ActionId.Rollback, 'button.deploy.rollback', async (source, sourceId) => {
    const previous = previousKnownGood(source, await deps.history.list(source.target));
    if (!previous)
      return {
        ok: false,
        reply: `I know of no earlier successful deploy of *${source.target.name}* with a different image, so there is nothing to roll back to.`,
      };
    const { loginServer: registry, repository } = previous;
    return {
      ok: true,
      changes: {
        request: { ...source.request, image: { registry, repository, digest: previous.digest, text: `${repository}@${previous.digest.slice(0, 19)}…` } },
        rollbackOf: sourceId,
      },
      details: { rollbackOf: sourceId, image: previous.image },
      reply: (jobId) =>
        `:rewind: Rolling *${source.target.name}* back to the image of job \`${previous.jobId}\` as job \`${jobId}\`.${deps.environments[source.environment]?.approval ? ' It needs approval like any deploy.' : ''}`,
    };
  });
}
