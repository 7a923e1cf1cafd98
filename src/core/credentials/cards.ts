import type { CardField, JobCard, JobStatus } from '../card.ts';
import { md, type Mrkdwn } from '../mrkdwn.ts';
import { describeDaysLeft, type ExpiringCredential } from './expiry.ts';
import type { RotationJobData, TokenRotationJobData } from './jobs.ts';

/** One line per credential: app, secret, days left, expiry date. */
export function credentialLine(c: ExpiringCredential): Mrkdwn {
  const icon = c.daysLeft < 0 ? ':red_circle:' : c.daysLeft <= 7 ? ':large_orange_circle:' : ':large_yellow_circle:';
  if (c.kind === 'registry-token')
    return md`${{ mrkdwn: icon }} *registry token ${c.appName}* (${c.environment}): ${c.keyId} · ${describeDaysLeft(c.daysLeft)} (${c.endDateTime.slice(0, 10)})`;
  return md`${{ mrkdwn: icon }} *${c.appName}* (${c.appId}): secret ${c.displayName ?? c.keyId.slice(0, 8)} · ${describeDaysLeft(c.daysLeft)} (${c.endDateTime.slice(0, 10)})`;
}

/** The alert a scheduled scan posts: one message, one row (with Rotate) per credential. */
export function expiryAlertCard(jobId: string, credentials: readonly ExpiringCredential[], now: Date, notes: readonly Mrkdwn[] = []): JobCard {
  const expired = credentials.filter((c) => c.daysLeft < 0).length;
  const detail = md`${credentials.length} secret${credentials.length === 1 ? '' : 's'} crossed an alert threshold${expired ? `, ${expired} already expired` : ''}. Rotate adds a new secret, stores it in Key Vault and verifies it before the old one goes.`;
  return {
    jobId,
    title: 'Client secrets expiring',
    requesterId: 'system',
    environment: 'entra-id',
    status: 'alert',
    detail: notes.length ? { mrkdwn: `${detail.mrkdwn}\n${notes.map((n) => n.mrkdwn).join('\n')}` } : detail,
    fields: [],
    links: [],
    actions: [],
    rows: credentials.map((c) => ({ text: credentialLine(c), action: 'rotate' as const })),
    queuedAt: now.toISOString(),
    finishedAt: now.toISOString(),
  };
}

/** The card of a rotation job. */
export function rotationCard(data: RotationJobData, status: JobStatus, detail?: Mrkdwn, finishedAt?: string): JobCard {
  const p = data.progress;
  const fields: CardField[] = [{ label: 'App', value: p.appName ? `${p.appName}\n${p.appId}` : data.app }];
  if (p.secretName) fields.push({ label: 'Key Vault secret', value: p.secretName, code: true });
  if (p.newKeyId)
    fields.push({ label: 'New secret', value: `${p.newKeyId}${p.newEndDateTime ? `\nexpires ${p.newEndDateTime.slice(0, 10)}` : ''}`, code: true });
  if (data.oldKeyId) fields.push({ label: 'Old secret', value: data.oldKeyId, code: true });
  if (p.removeAt && p.phase === 'grace') fields.push({ label: 'Old secret removed at', value: `${p.removeAt.slice(0, 16).replace('T', ' ')} UTC` });
  return {
    jobId: data.jobId,
    title: `Rotate secret of ${p.appName ?? data.app}`,
    requesterId: data.requesterId,
    environment: 'entra-id',
    status,
    ...(detail && { detail }),
    fields,
    links: [],
    actions: [],
    queuedAt: data.queuedAt,
    ...(finishedAt && { finishedAt }),
  };
}

/** The card of a registry-token rotation job. */
export function tokenRotationCard(data: TokenRotationJobData, status: JobStatus, detail?: Mrkdwn, finishedAt?: string): JobCard {
  const p = data.progress;
  return {
    jobId: data.jobId,
    title: `Rotate registry token ${data.token}`,
    requesterId: data.requesterId,
    environment: data.environment,
    status,
    ...(detail && { detail }),
    fields: [
      { label: 'Token', value: data.token, code: true },
      ...(p.slot ? [{ label: 'New password', value: p.slot }] : []),
      ...(p.secretName ? [{ label: 'Key Vault secret', value: p.secretName, code: true }] : []),
    ],
    links: [],
    actions: [],
    queuedAt: data.queuedAt,
    ...(finishedAt && { finishedAt }),
  };
}
