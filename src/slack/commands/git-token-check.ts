import type { EnvironmentConfig } from '../../config/file.ts';
import { gitTokenProblem } from '../../core/build/git-token-policy.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import type { CommandContext } from './context.ts';

/**
 * Refuses, before anything is queued, a `--git-access-token @kv:NAME` that the environment's
 * `gitAccessTokens` does not allow for this repository's host. The refusal is audited without
 * the secret's name (it could name any secret in the vault).
 */
export async function checkGitToken(
  ctx: CommandContext,
  action: string,
  environment: string,
  env: EnvironmentConfig,
  secretName: string,
  repositoryUrl: string,
  target: string,
): Promise<void> {
  const problem = gitTokenProblem(environment, env.gitAccessTokens, secretName, repositoryUrl);
  if (!problem) return;
  await ctx.audit.record({
    actor: ctx.command.user_id,
    action: `command.${action}`,
    outcome: 'refused',
    reason: 'policy: git token not allowed',
    environment,
    target,
  });
  throw new UserFacingError(ErrorCode.PolicyViolation, `${problem.text} Nothing was queued.`, { hint: problem.hint });
}
