import type { AciEnvironmentVariable, AciSecureEnvironmentVariable } from '../commands/aci/index.ts';
import type { ImageReference } from '../validation/index.ts';
import type { ContainerGroupRef, ContainerGroupView } from './container-group.ts';

/** How the container runs, as requested and as planned. No secrets: secure values are Key Vault names. */
export interface ContainerSettings {
  cpu: number;
  memoryInGB: number;
  /** Ports exposed on the IP address (none without one). */
  ports: number[];
  protocol: 'TCP' | 'UDP';
  /** Absent: no IP address, as `az container create` without `--ip-address`, a DNS label or a subnet. */
  ipAddress?: 'Public' | 'Private';
  dnsNameLabel?: string;
  restartPolicy: 'Always' | 'Never' | 'OnFailure';
  /** Plain variables: names and values (they are visible in the container group anyway). */
  environmentVariables: AciEnvironmentVariable[];
  /** Secure variables: names and the Key Vault secret each comes from, never values. */
  secureEnvironmentVariables: AciSecureEnvironmentVariable[];
  commandLine?: string[];
  subnet?: string;
}

/** What the requester asked for, as typed values. */
export interface DeployRequest extends ContainerSettings {
  name: string;
  image: ImageReference & { text: string };
}

/** Where a deploy goes, from the environment's config. */
export interface DeployTarget extends ContainerGroupRef {
  location: string;
  /** The environment's registry, for short image names and pull credentials. */
  registry?: string;
}

/** One property ACI cannot change in place, as the plan shows it (`CPU: 1 → 2`). */
export interface ImmutableChange {
  property: string;
  from: string;
  to: string;
}

/**
 * A plan that replaces the live group (delete, then create) because ACI cannot make the change
 * in place. `changes` is empty when the plan follows ARM's refusal of an in-place update that the
 * comparison did not foresee.
 */
export interface Replacement {
  changes: ImmutableChange[];
}

/**
 * What will be deployed, exactly: the image pinned by digest and everything else that shapes
 * the container group. Approvers see all of it (`describePlan`); its hash is what they approve;
 * the PUT is built from it (`toContainerGroupSpec`).
 */
export interface DeployPlan extends ContainerSettings {
  target: DeployTarget;
  /** `loginServer/repository@sha256:…` */
  image: string;
  loginServer: string;
  repository: string;
  /** The tag the digest came from, when the request named one. */
  tag?: string;
  digest: string;
  /** How ACI pulls the image (from config), described without secrets. */
  pull: { identity: string } | { username: string; passwordSecret: string } | { none: true };
  /** Set when the live group must be deleted first. */
  replaces?: Replacement;
  hash: string;
}

export type DeployPhase =
  /** The plan is not made yet. */
  | 'new'
  | 'awaiting-approval'
  /** Approved (or no approval needed): waiting for the group's lock, then the PUT. */
  | 'ready'
  /** A replacement deleting the live group: a retry from here deletes again (the new group does not exist yet). */
  | 'deleting'
  /** Just before the PUT: a retry from here sends the same PUT again (idempotent by name). */
  | 'putting'
  /** The PUT was accepted; following the operation with the saved resume token. */
  | 'polling'
  | 'done';

export interface DeployProgress {
  phase: DeployPhase;
  plan?: DeployPlan;
  /** core-lro state of the PUT's operation: no secrets, enough to resume after a crash. */
  resumeToken?: string;
  /** The job holding the group's lock while this one waits. */
  waitingFor?: string;
  /** The approval state the card last showed (`status:count`), so re-checks don't re-post an unchanged card. */
  approvalShown?: string;
  /** The plan was too long for the card and went to the thread as a file. */
  planFilePosted?: boolean;
  /** ARM refused the PUT as an in-place update it cannot make: the card offers a replacement. */
  inPlaceRefused?: boolean;
  startedAt?: string;
  outcome?: 'succeeded' | 'failed' | 'rejected' | 'expired' | 'refused' | 'superseded';
  /** What the card showed at the end, for `/ops job` and rollback. */
  group?: ContainerGroupView;
}

/** Data of a `deploy` job (also rollbacks). BullMQ stores it in clear text: no secrets. */
export interface DeployJobData {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  environment: string;
  queuedAt: string;
  target: DeployTarget;
  request: DeployRequest;
  /**
   * Set when someone must agree before the PUT: the environment's approvers (`mode` absent or
   * `approval`), or the requester alone (`confirm`, a replacement where nobody else approves).
   */
  approval?: { mode?: 'approval' | 'confirm'; required: number; expiresAfterMs: number };
  /** The deploy job this one rolls back. */
  rollbackOf?: string;
  /** The deploy job whose in-place update ARM refused: this one replaces the group (if it still exists). */
  replaceOf?: string;
  /** Set when this deploy is a promotion's (`/aci promote`): the approvers see where the digest comes from. */
  promotion?: PromotionNote;
  /** Dev follows main: the successful task run whose pushed digest this deploy rolls out (see jobs/task-deploy.ts). */
  source?: DeploySource;
  progress: DeployProgress;
}

/** What a deploy knows about the promotion that started it, for its card. */
export interface PromotionNote {
  /** The source environment. */
  from: string;
  repository: string;
  digest: string;
  /** Since when the source group has run this digest, when known. */
  since?: string;
  /** The git commit ACR built it from, when known. */
  commit?: string;
  promoteJobId: string;
}

/** The task run a deploy comes from. */
export interface DeploySource {
  task: string;
  runId: string;
  /** ACR's createTime of the run: a newer run supersedes this deploy while it waits. */
  runCreatedAt: string;
  commitId?: string;
  /** The build job that followed the run (its card and thread). */
  buildJobId: string;
}

/** One successful deploy of a container group, newest first in the history. */
export interface DeployRecord {
  jobId: string;
  /** `loginServer/repository@digest` */
  image: string;
  loginServer: string;
  repository: string;
  digest: string;
  at: string;
  /** Who asked for it (`system` for the bot's own redeploys). */
  requesterId?: string;
  /** What was deployed, so the group can be redeployed as it is (a credential rotation's consumers). */
  environment?: string;
  target?: DeployTarget;
  request?: DeployRequest;
}

/** Known-good deploys per container group, for rollback. */
export interface DeployHistory {
  record(target: ContainerGroupRef, entry: DeployRecord): Promise<void>;
  /** Newest first. */
  list(target: ContainerGroupRef): Promise<DeployRecord[]>;
  /** The group was deleted: it no longer counts as deployed (its history stays, for a rollback that recreates it). */
  removed?(target: ContainerGroupRef): Promise<void>;
}

/** One change at a time per container group. */
export interface GroupLocks {
  /** Takes (or refreshes, if already ours) the lock; returns the holder when someone else has it. */
  acquire(target: ContainerGroupRef, jobId: string, ttlMs: number): Promise<{ acquired: true } | { acquired: false; holder: string }>;
  release(target: ContainerGroupRef, jobId: string): Promise<void>;
}

export function groupKey(ref: ContainerGroupRef): string {
  return `${ref.subscriptionId}/${ref.resourceGroup}/${ref.name}`.toLowerCase();
}

export function containerGroupResourceId(ref: ContainerGroupRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${ref.name}`;
}
