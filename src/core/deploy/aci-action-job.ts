import type { ContainerGroupRef, ContainerGroupView } from './container-group.ts';

/** Container group operations other than deploy: `/aci show|logs|restart|stop|start|delete|list`. */
export type AciActionOp = 'show' | 'logs' | 'restart' | 'stop' | 'start' | 'delete' | 'list';

/** Ops that change the group: they take its lock, and `delete` needs approval or confirmation. */
export const mutatingOps: ReadonlySet<AciActionOp> = new Set(['restart', 'stop', 'start', 'delete']);

/** `show`, `logs` and `list` only look: they answer the requester privately instead of on a card. */
export function isReadOnlyAciOp(op: AciActionOp): boolean {
  return !mutatingOps.has(op);
}

export interface AciActionJobData {
  jobId: string;
  op: AciActionOp;
  requesterId: string;
  teamId: string;
  channelId: string;
  /** Where the answer of a read-only op goes (the command's response_url). */
  responseUrl?: string;
  environment: string;
  queuedAt: string;
  /** For `list` the name is empty: the target is the resource group. */
  target: ContainerGroupRef;
  tail?: number;
  containerName?: string;
  /** Set for `delete`: approvers (`approval`) or the requester alone (`confirm`) must agree first. */
  approval?: { mode: 'approval' | 'confirm'; required: number; expiresAfterMs: number };
  progress: {
    phase: 'new' | 'awaiting-approval' | 'ready' | 'done';
    waitingFor?: string;
    /** The approval state the card last showed (`status:count`). */
    approvalShown?: string;
    outcome?: 'succeeded' | 'failed' | 'rejected' | 'expired';
    group?: ContainerGroupView;
  };
}
