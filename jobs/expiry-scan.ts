import type { CredentialsConfig } from '../src/config/credentials-settings.ts';
import { describeAzureError } from '../src/core/azure-errors.ts';
import type { JobReporter } from '../src/core/card.ts';
import { credentialLine, expiryAlertCard, rotationCard } from '../src/core/credentials/cards.ts';
import { daysLeft, describeDaysLeft, expiringCredentials, expiringTokenSlots, type ExpiringCredential } from '../src/core/credentials/expiry.ts';
import type { ExpiryScanJobData, RotationJobData } from '../src/core/credentials/jobs.ts';
import type { AlertLedger, AppRegistration, Applications, ExpirySnapshots, PrivateReplies, RegistryTokens } from '../src/core/credentials/ports.ts';
import type { EnvironmentConfig } from '../src/config/file.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { jobIdFromTrigger } from '../src/core/job-id.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { alreadyRotating, appSecretCredential, claimRotation, type RotationClaims } from '../src/core/credentials/rotation-claims.ts';
import { counted } from '../src/core/query-answer.ts';
import { nowOf, runSteps, type StepJob, type StepRun } from './step-runner.ts';
import { describeFailure } from './job-failures.ts';

export interface ExpiryScanJobDeps {
  applications: Applications;
  registryTokens: RegistryTokens;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  /** Which thresholds were already announced per credential. */
  ledger: AlertLedger;
  reporter: JobReporter;
  replies: PrivateReplies;
  jobs: JobQueue;
  /** Auto-rotation claims each credential like any other request, so it never doubles a running rotation. */
  rotations: RotationClaims;
  credentials: CredentialsConfig | undefined;
  /** The bot's own app id: reported, never rotated from under itself. */
  botAppId?: string;
  /** Where each full scan leaves what it found within the first threshold (for the App Home). */
  snapshots?: Pick<ExpirySnapshots, 'save'>;
  teamId: string;
  now?: () => Date;
}

/** Most lines an on-demand answer lists (it is a private message, not a file). */
const maxReplyLines = 40;
/** How long a scan waits for Slack to take its alert before leaving it to the next scan. */
const maxDeliveryWaitMs = 6 * 3600_000;

type Run = StepRun<ExpiryScanJobData>;

/**
 * Starts a rotation of every due secret of the apps marked `autoRotate`, secrets earlier
 * rotations added included. A secret of an app another job is rotating (a secret that
 * rotation is still adding, or one a person is rotating) is left to that job, and the alert
 * says which; the bot's own credential is never rotated from under it, and that is said too.
 */
export async function autoRotate(deps: ExpiryScanJobDeps, scanId: string, all: readonly ExpiringCredential[], at: Date): Promise<Mrkdwn[]> {
  const notes: Mrkdwn[] = [];
  for (const app of deps.credentials?.applications ?? []) {
    if (!app.autoRotate) continue;
    const due = all.filter((c) => c.kind !== 'registry-token' && c.appId === app.appId && c.daysLeft <= app.rotateBeforeDays);
    for (const c of due) {
      if (c.appId === deps.botAppId) {
        notes.push(md`${c.appName} is the bot’s own credential: it is not rotated automatically; rotate it with a redeploy of the bot.`);
        continue;
      }
      // Per scan and credential: a retried scan queues nothing twice, and the next scan may try
      // again after a rotation that failed.
      const rotationId = jobIdFromTrigger(deps.teamId, `auto-rotate:${c.appId}:${c.keyId}:${scanId}`);
      const claim = await claimRotation(deps.rotations, deps.jobs, appSecretCredential(c.appId), rotationId);
      if (!claim.claimed) {
        const { text } = alreadyRotating(c.appName, claim);
        notes.push(md`Not rotating secret ${c.displayName ?? c.keyId} automatically: ${text} (/ops job ${claim.holder})`);
        continue;
      }
      const data: RotationJobData = {
        jobId: rotationId,
        requesterId: 'system',
        teamId: deps.teamId,
        channelId: deps.credentials!.alertChannel,
        queuedAt: at.toISOString(),
        trigger: 'auto',
        app: c.appId,
        oldKeyId: c.keyId,
        progress: { phase: 'adding', steps: [] },
      };
      // The card first (set once, so a retried scan does not reset it), then the job.
      await deps.reporter.openCard(rotationCard(data, 'queued'), { channelId: data.channelId, teamId: deps.teamId });
      await deps.jobs.submit('rotate-secret', rotationId, data);
      notes.push(md`Rotating ${c.appName} automatically as job ${rotationId} (${c.daysLeft} days left, autoRotate ${app.rotateBeforeDays} days ahead).`);
    }
  }
  return notes;
}

/** Password slots of the repository-scoped tokens of every environment's registry (each registry once). */
async function tokenSlots(
  deps: ExpiryScanJobDeps,
  thresholds: readonly number[],
  at: Date,
  horizon: number,
  problems: Mrkdwn[],
): Promise<ExpiringCredential[]> {
  const seen = new Set<string>();
  const out: ExpiringCredential[] = [];
  for (const [name, env] of Object.entries(deps.environments)) {
    if (!env.registry) continue;
    const key = `${env.subscriptionId}/${env.resourceGroup}/${env.registry}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      const tokens = await deps.registryTokens.list({ subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry });
      out.push(...expiringTokenSlots(name, env.registry, tokens, thresholds, at, horizon));
    } catch (err) {
      // One unreadable registry must not hide the other registries' and the apps' expiries.
      problems.push(md`:warning: Could not read the tokens of registry ${env.registry} (${name}): ${describeAzureError(err).text}`);
    }
  }
  return out;
}

/** `/sp show`: one app's client secrets, to the requester. */
async function showApp(deps: ExpiryScanJobDeps, run: Run, at: Date): Promise<ExpiryScanJobData> {
  const { data } = run;
  const app = await deps.applications.find(data.app!);
  const text = !app
    ? md`There is no app registration ${data.app!} that I can read.`
    : {
        mrkdwn: [
          md`*${app.displayName}* (${app.appId}): ${app.passwords.length} client secret${app.passwords.length === 1 ? '' : 's'}`,
          ...app.passwords.map(
            (p) =>
              md`• ${p.displayName ?? '(no name)'} · key id ${p.keyId} · expires ${p.endDateTime.slice(0, 10)} (${describeDaysLeft(daysLeft(p.endDateTime, at))})`,
          ),
        ]
          .map((l) => l.mrkdwn)
          .join('\n'),
      };
  await deps.replies.reply(data.responseUrl!, text);
  return run.save({ ...data, phase: 'done' });
}

/** `/sp list`: the apps in scope, nearest expiry first, to the requester. */
async function listApps(deps: ExpiryScanJobDeps, run: Run, apps: readonly AppRegistration[], at: Date): Promise<ExpiryScanJobData> {
  const rows = apps
    .map((a) => ({ a, next: a.passwords.map((p) => p.endDateTime).sort()[0] }))
    .sort((x, y) => (x.next ?? '9999').localeCompare(y.next ?? '9999'))
    .slice(0, maxReplyLines)
    .map(
      ({ a, next }) =>
        md`• *${a.displayName}* (${a.appId}): ${a.passwords.length} secret${a.passwords.length === 1 ? '' : 's'}${next ? `, nearest expiry ${next.slice(0, 10)} (${describeDaysLeft(daysLeft(next, at))})` : ''}`,
    );
  const more = apps.length > maxReplyLines ? [md`…and ${apps.length - maxReplyLines} more (nearest expiry first).`] : [];
  await deps.replies.reply(run.data.responseUrl!, {
    mrkdwn: [md`${counted(apps.length, 'app registration')} in scope:`, ...rows, ...more].map((l) => l.mrkdwn).join('\n'),
  });
  return run.save({ ...run.data, phase: 'done' });
}

/** `/sp expiring`: what expires within the days asked, to the requester. */
async function answerExpiring(
  deps: ExpiryScanJobDeps,
  run: Run,
  scanned: { apps: number; expiring: ExpiringCredential[]; problems: Mrkdwn[]; within: number },
): Promise<ExpiryScanJobData> {
  const { within } = scanned;
  const shown = scanned.expiring.filter((c) => c.daysLeft <= within);
  const lines = shown.slice(0, maxReplyLines).map(credentialLine);
  const more = shown.length > maxReplyLines ? [md`…and ${shown.length - maxReplyLines} more.`] : [];
  const one = shown.length === 1;
  const head =
    shown.length === 0
      ? md`No client secret of the ${counted(scanned.apps, 'app')} in scope expires within ${within} days.`
      : md`${counted(shown.length, 'client secret')} of ${counted(scanned.apps, 'app')} ${one ? 'expires' : 'expire'} within ${within} days (or ${one ? 'has' : 'have'} expired):`;
  await deps.replies.reply(run.data.responseUrl!, { mrkdwn: [head, ...lines, ...more, ...scanned.problems].map((l) => l.mrkdwn).join('\n') });
  return run.save({ ...run.data, phase: 'done' });
}

/** A scheduled scan: one alert with what is news (and the rotations it started), then waits for Slack to take it. */
async function alert(
  deps: ExpiryScanJobDeps,
  run: Run,
  config: CredentialsConfig,
  expiring: ExpiringCredential[],
  problems: Mrkdwn[],
  at: Date,
): Promise<ExpiryScanJobData> {
  const first = config.thresholdsDays[0]!;
  const news = await deps.ledger.claimNew(
    expiring.filter((c) => c.daysLeft <= first),
    run.id,
  );
  const notes = [...(await autoRotate(deps, run.id, expiring, at)), ...problems];
  if (news.length === 0 && notes.length === 0) return run.save({ ...run.data, phase: 'done' });
  // The alert keeps what it listed: a Rotate click maps back to a credential from stored state.
  const alertCard = expiryAlertCard(run.id, news, at, notes);
  await run.save({ ...run.data, alerted: news, alertCard, phase: 'delivering', deliveringSince: at.toISOString(), deliveryChecks: 0 });
  await deps.reporter.openCard(alertCard, { channelId: config.alertChannel, teamId: deps.teamId });
  return run.wakeAfter(1000);
}

/** Step `new`: reads the apps (and registry tokens) in scope and answers, or alerts, as the trigger asks. */
export async function scan(deps: ExpiryScanJobDeps, run: Run): Promise<ExpiryScanJobData> {
  const { data } = run;
  const config = deps.credentials;
  if (!config) throw new Error('credentials are not configured');
  const at = nowOf(deps);
  if (data.mode === 'show') return showApp(deps, run, at);
  const apps = await deps.applications.list(config.applications?.map((a) => a.appId));
  if (data.mode === 'list') return listApps(deps, run, apps, at);
  const within = data.withinDays ?? config.thresholdsDays[0]!;
  const horizon = Math.max(within, config.thresholdsDays[0]!);
  const problems: Mrkdwn[] = [];
  const expiring = [
    ...expiringCredentials(apps, config.thresholdsDays, at, horizon),
    ...(await tokenSlots(deps, config.thresholdsDays, at, horizon, problems)),
  ].sort((a, b) => a.daysLeft - b.daysLeft);
  run.log.info({ apps: apps.length, expiring: expiring.length }, 'credential expiry scan');
  const first = config.thresholdsDays[0]!;
  await deps.snapshots?.save({ scannedAt: at.toISOString(), withinDays: first, credentials: expiring.filter((c) => c.daysLeft <= first) });
  if (data.trigger === 'command') return answerExpiring(deps, run, { apps: apps.length, expiring, problems, within });
  return alert(deps, run, config, expiring, problems, at);
}

/**
 * Step `delivering`: thresholds count as announced only once Slack took the alert in the alert
 * channel. One it refused went to the admins directly (the outbox saw to that) and is said
 * again by the next scan.
 */
export async function awaitDelivery(deps: ExpiryScanJobDeps, run: Run): Promise<ExpiryScanJobData> {
  const { data } = run;
  const alerted = data.alerted ?? [];
  const delivery = await deps.reporter.deliveryOf(run.id);
  if (delivery === 'delivered') {
    await deps.ledger.confirm(alerted, run.id);
    return run.save({ ...data, phase: 'done' });
  }
  const waited = nowOf(deps).getTime() - Date.parse(data.deliveringSince ?? nowOf(deps).toISOString());
  if (delivery === 'rerouted' || waited > maxDeliveryWaitMs) {
    await deps.ledger.release(alerted, run.id);
    const done = await run.save({ ...data, phase: 'done' });
    run.log.error(
      { alertChannel: deps.credentials?.alertChannel, delivery, secrets: alerted.length },
      delivery === 'rerouted'
        ? 'the expiry alert could not be posted in the alert channel; the admins got it directly, and the next scan posts it again'
        : 'the expiry alert did not reach Slack in time; the next scan posts it again',
    );
    return done;
  }
  // Still on its way (Slack busy, or the token halted): look again later, and make sure it is queued.
  if (data.alertCard && deps.credentials) await deps.reporter.openCard(data.alertCard, { channelId: deps.credentials.alertChannel, teamId: deps.teamId });
  const checks = (data.deliveryChecks ?? 0) + 1;
  await run.save({ ...data, deliveryChecks: checks });
  return run.wakeAfter(Math.min(60_000, 1000 * 2 ** Math.min(checks, 6)));
}

/** A scan that failed for good: the requester hears it, or (scheduled) the alert channel does. */
export async function reportFailure(deps: ExpiryScanJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  const described = describeFailure(err);
  run.log.error({ err }, 'credential expiry scan failed');
  await run.save({ ...data, phase: 'done' });
  if (data.trigger === 'command' && data.responseUrl) {
    await deps.replies.reply(data.responseUrl, md`:warning: ${described.text}\n${described.hint}`).catch(() => {});
    return;
  }
  // Nobody typed anything: the alert channel hears that the safety net itself has a hole.
  if (!deps.credentials) return;
  const at = nowOf(deps);
  await deps.reporter.openCard(
    {
      jobId: run.id,
      title: 'Client secret expiry scan failed',
      requesterId: 'system',
      environment: 'entra-id',
      status: 'failed',
      detail: md`${described.text}\n${described.hint}`,
      fields: [],
      links: [],
      actions: [],
      queuedAt: at.toISOString(),
      finishedAt: at.toISOString(),
    },
    { channelId: deps.credentials.alertChannel, teamId: deps.teamId },
  );
}

/**
 * The `expiry-scan` job: reads every app registration in scope, flags secrets within the
 * thresholds, posts one alert per scan with what is news (each threshold announced once),
 * and starts rotations for apps marked `autoRotate`. `/sp expiring` runs it on demand and
 * answers privately.
 */
export const expiryScanJob: StepJob<ExpiryScanJobData, ExpiryScanJobDeps, ExpiryScanJobData['phase']> = {
  phaseOf: (data) => data.phase,
  steps: { new: scan, delivering: awaitDelivery },
  fail: reportFailure,
};

export function createExpiryScanJob(deps: ExpiryScanJobDeps): JobHandler<ExpiryScanJobData> {
  return runSteps(expiryScanJob, deps);
}
