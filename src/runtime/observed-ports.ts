import { Gauge, type Registry } from 'prom-client';
import type { Approvals, DecisionResult } from '../core/approval/approvals.ts';
import type { AuditLog } from '../core/audit.ts';
import type { Applications, RegistryTokens } from '../core/credentials/ports.ts';
import type { Metrics } from '../metrics/metrics.ts';

/*
 * Decorators the composition root puts around ports to count what passes through them, so
 * the jobs and listeners that use the ports need no metrics code of their own.
 */

/** Counts audit records that could not be written; the error still reaches the caller, which refuses the action. */
export function observeAudit(audit: AuditLog, metrics: Metrics): AuditLog {
  return {
    async record(event) {
      try {
        await audit.record(event);
      } catch (err) {
        metrics.auditWriteFailures.inc();
        throw err;
      }
    },
    query: (filter, page) => audit.query(filter, page),
  };
}

/** Observes how long approvals took, for the clicks that decided one (approved or rejected). */
export function observeApprovalDecisions(approvals: Approvals, metrics: Metrics): Approvals {
  const observe = (result: DecisionResult): DecisionResult => {
    if ((result.outcome === 'approved' || result.outcome === 'rejected') && result.state.openedAt && result.state.decidedAt) {
      const seconds = (Date.parse(result.state.decidedAt) - Date.parse(result.state.openedAt)) / 1000;
      if (Number.isFinite(seconds)) metrics.approvalDecision.observe({ outcome: result.outcome }, Math.max(0, seconds));
    }
    return result;
  };
  return {
    open: (request) => approvals.open(request),
    get: (jobId) => approvals.get(jobId),
    approve: async (jobId, userId, now) => observe(await approvals.approve(jobId, userId, now)),
    reject: async (jobId, userId, reason, now) => observe(await approvals.reject(jobId, userId, reason, now)),
    expireIfDue: (jobId, now) => approvals.expireIfDue(jobId, now),
  };
}

/** `chatops_approvals_pending`, read from the approvals store at scrape time. */
export function registerApprovalsGauge(registry: Registry, approvals: { countPending(now: Date): Promise<number> }): void {
  if (registry.getSingleMetric('chatops_approvals_pending')) return;
  const gauge: Gauge = new Gauge({
    name: 'chatops_approvals_pending',
    help: 'Approval and confirmation requests waiting for a decision (not yet expired).',
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const count = await Promise.race([
        approvals.countPending(new Date()).catch(() => undefined),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000).unref()),
      ]);
      if (count !== undefined) gauge.set(count);
    },
  });
}

/**
 * Credentials by days to expiry. The expiry dates seen by the last listing (the scheduled scan,
 * `/sp list`) are kept in memory and bucketed at scrape time, so the buckets follow the clock
 * between scans; a process that has not listed yet reports nothing.
 */
export class CredentialExpiryGauge {
  readonly #apps = new Map<string, number[]>();
  readonly #tokens = new Map<string, number[]>();

  constructor(registry: Registry, thresholdsDays: readonly number[], now: () => number = Date.now) {
    const bounds = [...new Set(thresholdsDays)].sort((a, b) => a - b);
    const gauge: Gauge<'kind' | 'bucket'> = new Gauge({
      name: 'chatops_credentials_expiring',
      help: `Credentials by days to expiry: "expired", "le_<N>" for the first threshold N (days) they are within (${bounds.join(', ')}), or "later".`,
      labelNames: ['kind', 'bucket'],
      aggregator: 'max',
      registers: [registry],
      collect: () => {
        gauge.reset();
        for (const [kind, byKey] of [
          ['app_secret', this.#apps],
          ['registry_token', this.#tokens],
        ] as const) {
          const counts = new Map<string, number>([['expired', 0], ...bounds.map((b) => [`le_${b}`, 0] as [string, number]), ['later', 0]]);
          for (const ends of byKey.values()) {
            for (const end of ends) {
              const days = (end - now()) / 86_400_000;
              const bucket = days <= 0 ? 'expired' : (bounds.find((b) => days <= b) ?? 'later');
              const label = typeof bucket === 'number' ? `le_${bucket}` : bucket;
              counts.set(label, counts.get(label)! + 1);
            }
          }
          if (byKey.size > 0) for (const [bucket, n] of counts) gauge.set({ kind, bucket }, n);
        }
      },
    });
  }

  observeApplications(applications: Applications): Applications {
    return {
      list: async (appIds) => {
        const apps = await applications.list(appIds);
        // A listing of every app replaces what was known; a scoped one updates those apps.
        if (appIds === undefined) this.#apps.clear();
        for (const app of apps) this.#apps.set(app.appId, app.passwords.map((p) => Date.parse(p.endDateTime)).filter(Number.isFinite));
        return apps;
      },
      find: (appIdOrName) => applications.find(appIdOrName),
      addPassword: (app, displayName) => applications.addPassword(app, displayName),
      removePassword: (app, keyId) => applications.removePassword(app, keyId),
    };
  }

  observeRegistryTokens(tokens: RegistryTokens): RegistryTokens {
    return {
      list: async (registry) => {
        const found = await tokens.list(registry);
        const prefix = `${registry.subscriptionId}/${registry.resourceGroup}/${registry.name}/`;
        for (const key of [...this.#tokens.keys()]) if (key.startsWith(prefix)) this.#tokens.delete(key);
        for (const token of found) {
          this.#tokens.set(prefix + token.name, token.passwords.map((p) => (p.expiry ? Date.parse(p.expiry) : Number.NaN)).filter(Number.isFinite));
        }
        return found;
      },
      generate: (registry, token, slot, expiry) => tokens.generate(registry, token, slot, expiry),
      keepOnly: (registry, token, keep) => tokens.keepOnly(registry, token, keep),
      verify: (registry, tokenName, password) => tokens.verify(registry, tokenName, password),
    };
  }
}
