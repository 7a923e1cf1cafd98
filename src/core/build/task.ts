import type { Platform } from '../commands/platform.ts';

/** Where an ACR task's source trigger listens: ACR registers the webhook on these two only. */
export type SourceControl = 'Github' | 'VisualStudioTeamService';

/**
 * An ACR task as `/acr task create` defines it (the `az acr task create` flags, resolved). No
 * secrets: the git access token is only named, as a Key Vault secret the worker reads.
 */
export interface TaskDefinition {
  name: string;
  images: string[];
  /** Repository URL without `#ref:folder`. */
  repositoryUrl: string;
  branch: string;
  subfolder?: string;
  file: string;
  platform: Platform;
  buildArgs: { name: string; value: string }[];
  /** Rebuild on every commit to `branch` (ACR registers the repository webhook with the token). */
  commitTrigger: boolean;
  /** Rebuild when the base image in the registry is updated. */
  baseImageTrigger: boolean;
  /** Key Vault secret holding the git personal access token (`@kv:NAME`). */
  gitTokenSecret?: string;
  timeoutSeconds?: number;
  sourceControl?: SourceControl;
}

/** ACR's `contextPath`: the repository URL with `#branch[:folder]`, as `az acr task create --context` sends it. */
export function contextPathOf(task: Pick<TaskDefinition, 'repositoryUrl' | 'branch' | 'subfolder'>): string {
  return `${task.repositoryUrl}#${task.branch}${task.subfolder ? `:${task.subfolder}` : ''}`;
}

/** A task as Azure reports it (never with its git token). */
export interface TaskView {
  name: string;
  status?: string;
  provisioningState?: string;
  contextPath?: string;
  file?: string;
  images: string[];
  platform?: string;
  createdAt?: Date;
  commitTrigger?: { enabled: boolean; repositoryUrl?: string; branch?: string };
  baseImageTrigger?: { enabled: boolean };
  timeoutSeconds?: number;
  /** The job that created the task (its `chatops-job` tag); absent for tasks made elsewhere. */
  createdByJob?: string;
}
