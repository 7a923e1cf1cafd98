import type { AppRegistration, ExpiringCredential } from './ports.ts';

export type { ExpiringCredential };

const DAY_MS = 86_400_000;

/** Whole days from `now` to `end`, rounded down (a secret ending in 6.9 days has 6 left). */
export function daysLeft(end: string, now: Date): number {
  return Math.floor((Date.parse(end) - now.getTime()) / DAY_MS);
}

/**
 * Credentials within the largest threshold (or expired), nearest first. `thresholds` are
 * days, sorted descending; the crossed threshold is the smallest one still ≥ days left.
 */
export function expiringCredentials(
  apps: readonly AppRegistration[],
  thresholds: readonly number[],
  now: Date,
  withinDays = thresholds[0] ?? 30,
): ExpiringCredential[] {
  const out: ExpiringCredential[] = [];
  for (const app of apps) {
    for (const p of app.passwords) {
      const left = daysLeft(p.endDateTime, now);
      if (left > withinDays) continue;
      const crossed = left < 0 ? -1 : Math.min(...thresholds.filter((t) => t >= left), withinDays);
      out.push({
        appId: app.appId,
        appName: app.displayName,
        keyId: p.keyId,
        ...(p.displayName && { displayName: p.displayName }),
        endDateTime: p.endDateTime,
        daysLeft: left,
        threshold: crossed,
      });
    }
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || a.appName.localeCompare(b.appName));
}

/** "expired 2 days ago", "expires today", "3 days left". */
export function describeDaysLeft(days: number): string {
  if (days < -1) return `expired ${-days} days ago`;
  if (days === -1) return 'expired yesterday';
  if (days === 0) return 'expires within a day';
  return days === 1 ? '1 day left' : `${days} days left`;
}

/** Registry token slots as expiring credentials (slots without an expiry never expire). */
export function expiringTokenSlots(
  environment: string,
  registry: string,
  tokens: readonly { name: string; passwords: readonly { name: string; expiry?: string }[] }[],
  thresholds: readonly number[],
  now: Date,
  withinDays = thresholds[0] ?? 30,
): ExpiringCredential[] {
  const apps = tokens.map((t) => ({
    id: t.name,
    appId: registry,
    displayName: `${registry}/${t.name}`,
    passwords: t.passwords.filter((p) => p.expiry).map((p) => ({ keyId: p.name, endDateTime: p.expiry! })),
  }));
  return expiringCredentials(apps, thresholds, now, withinDays).map((c) => ({ ...c, kind: 'registry-token' as const, environment }));
}

/** The Key Vault secret a registry token's current password is kept in. */
export function tokenSecretName(registry: string, token: string): string {
  return `acr-token-${registry}-${token}`.toLowerCase().slice(0, 127);
}
