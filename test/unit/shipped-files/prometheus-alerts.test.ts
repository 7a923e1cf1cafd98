import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/metrics/metrics.ts';
import { registerQueueGauges } from '../../../src/queue/queue-metrics.ts';
import { CredentialExpiryGauge, registerApprovalsGauge } from '../../../src/runtime/observed-ports.ts';
import { Supervisor } from '../../../src/runtime/supervisor.ts';

/** Every metric the product can expose, by name. */
async function exposedNames(): Promise<Set<string>> {
  const metrics = createMetrics('worker');
  const idle = { name: 'q', getJobCounts: async () => ({}), getJobs: async () => [] } as never;
  registerQueueGauges(metrics.registry, { jobs: idle, outbox: idle, home: idle });
  registerApprovalsGauge(metrics.registry, { countPending: async () => 0 });
  new CredentialExpiryGauge(metrics.registry, [30]);
  const supervisor = await new Supervisor({ entry: 'unused', logger: pino({ level: 'silent' }), shutdownGraceMs: 0 }).merged('metrics');
  const text = `${await metrics.registry.metrics()}\n${supervisor.text}`;
  return new Set([...text.matchAll(/^# TYPE (\S+) (\S+)/gm)].map((m) => m[1]!));
}

describe('docs/prometheus-alerts.yml', () => {
  it('only names metrics the product exposes', async () => {
    const rules = parse(readFileSync(join(import.meta.dirname, '../../../docs/prometheus-alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const names = await exposedNames();
    const used = rules.groups.flatMap((g) =>
      g.rules.flatMap((r) => [...r.expr.matchAll(/\b(chatops_[a-z_]+|nodejs_[a-z_]+|process_[a-z_]+)\b/g)].map((m) => m[1]!)),
    );
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(names.has(name.replace(/_(bucket|count|sum)$/, '')), `${name} is not exposed`).toBe(true);
  });
});
