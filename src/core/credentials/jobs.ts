import type { JobCard } from '../card.ts';
import type { ExpiringCredential } from './expiry.ts';

/** Data of an `expiry-scan` job: scheduled (one per cron tick) or `/sp expiring` on demand. */
export interface ExpiryScanJobData {
  jobId: string;
  trigger: 'schedule' | 'command';
  /** What a command asked for. @defaultValue 'expiring' */
  mode?: 'expiring' | 'list' | 'show';
  /** `/sp show --app`. */
  app?: string;
  /** `/sp expiring --days N`; scheduled scans use the largest threshold. */
  withinDays?: number;
  /** Who asked and where to answer privately (command scans only). */
  requesterId?: string;
  responseUrl?: string;
  /** What the alert listed, saved so a Rotate button maps back to a credential from stored state. */
  alerted?: ExpiringCredential[];
  /** The alert as posted, so a resumed scan can post the same one. */
  alertCard?: JobCard;
  /** When the alert went to the outbox (ISO), and how often the scan looked whether Slack took it. */
  deliveringSince?: string;
  deliveryChecks?: number;
  /** `delivering`: the alert is on its way; its thresholds count as announced once Slack took it. */
  phase: 'new' | 'delivering' | 'done';
}

export type RotationPhase =
  /** About to add (or, after a crash, find and clean up) the new secret. */
  | 'adding'
  /** New secret added and stored in Key Vault; not yet shown to work. */
  | 'stored'
  | 'verified'
  /** Waiting for redeploys of the consumers. */
  | 'consumers'
  /** Waiting out the grace period before removing the old secret. */
  | 'grace'
  | 'done';

/** Data of a `rotate-secret` job. Never holds a secret value: those live in Key Vault only. */
export interface RotationJobData {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  queuedAt: string;
  trigger: 'command' | 'button' | 'auto';
  /** appId or display name, as asked; resolved to `appId` at the first step. */
  app: string;
  /** The credential being replaced, when known at the start. */
  oldKeyId?: string;
  progress: {
    phase: RotationPhase;
    appId?: string;
    appName?: string;
    objectId?: string;
    secretName?: string;
    /** Vault version that was current before ours, to put back if the new secret never works. */
    previousVersion?: string;
    newKeyId?: string;
    newVersion?: string;
    newEndDateTime?: string;
    verifyStartedAt?: string;
    verifyAttempts?: number;
    verifiedAt?: string;
    consumerJobs?: string[];
    removeAt?: string;
    outcome?: 'rotated' | 'failed' | 'refused';
    /** Step log shown in the thread, with timestamps. */
    steps: { at: string; text: string }[];
  };
}

/** The display name a rotation gives its new secret: how a resumed job finds one it lost. */
export function rotationSecretName(jobId: string): string {
  return `chatops-rotation-${jobId}`;
}

/** Data of a `rotate-token` job: a registry token's password, slot by slot. No values. */
export interface TokenRotationJobData {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  queuedAt: string;
  trigger: 'command' | 'button';
  environment: string;
  token: string;
  progress: {
    phase: 'generating' | 'stored' | 'grace' | 'done';
    /** The slot being regenerated (the one not in use). */
    slot?: 'password1' | 'password2';
    secretName?: string;
    previousVersion?: string;
    newVersion?: string;
    verifyStartedAt?: string;
    verifyAttempts?: number;
    removeAt?: string;
    outcome?: 'rotated' | 'failed' | 'refused';
    steps: { at: string; text: string }[];
  };
}
