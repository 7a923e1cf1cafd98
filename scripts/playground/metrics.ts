/** `metrics` in the playground: the figures README "Operating it" says to alert on, read from `GET /metrics`. */

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, samples only (the product's own exposition; no escapes beyond `\"`). */
export function parseSeries(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function seriesOf(all: Series[], name: string, where: Record<string, string> = {}): Series[] {
  return all.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}

function sum(all: Series[], name: string, where: Record<string, string> = {}): number | undefined {
  const found = seriesOf(all, name, where);
  return found.length ? found.reduce((a, s) => a + s.value, 0) : undefined;
}

/** Queue gauges describe the shared Redis: every role reports the same value, so take the largest. */
function max(all: Series[], name: string, where: Record<string, string> = {}): number | undefined {
  const found = seriesOf(all, name, where);
  return found.length ? Math.max(...found.map((s) => s.value)) : undefined;
}

/** "p99 ≤ 0.05 s": the smallest bucket bound holding that share of the observations, as Prometheus' histogram_quantile bounds it. */
function quantile(all: Series[], name: string, q: number): string {
  const count = sum(all, `${name}_count`) ?? 0;
  if (count === 0) return 'no observations yet';
  const byBound = new Map<number, number>();
  for (const s of seriesOf(all, `${name}_bucket`)) {
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  const bound = [...byBound].sort((a, b) => a[0] - b[0]).find(([, cumulative]) => cumulative >= q * count)?.[0];
  return `p${Math.round(q * 100)} ≤ ${bound === undefined || bound === Number.POSITIVE_INFINITY ? 'the largest bucket' : `${bound} s`} of ${count}`;
}

function byLabels(all: Series[], name: string, keys: string[]): string {
  const totals = new Map<string, number>();
  for (const s of seriesOf(all, name)) {
    const key = keys.map((k) => s.labels[k] ?? '').join(' ');
    totals.set(key, (totals.get(key) ?? 0) + s.value);
  }
  const shown = [...totals].filter(([, v]) => v > 0);
  return shown.length ? shown.map(([k, v]) => `${k} ${v}`).join(', ') : 'none yet';
}

/** The five metrics that matter, with README's alert condition beside each, then the queue at a glance. */
export function summariseMetrics(text: string): string {
  const all = parseSeries(text);
  const finished = sum(all, 'chatops_jobs_finished_total') ?? 0;
  const failed = sum(all, 'chatops_jobs_finished_total', { outcome: 'failed' }) ?? 0;
  const credentials = byLabels(all, 'chatops_credentials_expiring', ['kind', 'bucket']);
  const depth = ['waiting', 'delayed', 'active', 'failed']
    .map((state) => `${state} ${max(all, 'chatops_queue_jobs', { queue: 'jobs', state }) ?? 0}`)
    .join(' · ');
  const rows: [string, string, string][] = [
    ['chatops_ack_duration_seconds', quantile(all, 'chatops_ack_duration_seconds', 0.99), 'alert: p99 > 1 s for 10 min'],
    ['chatops_queue_oldest_waiting_seconds', `jobs ${max(all, 'chatops_queue_oldest_waiting_seconds', { queue: 'jobs' }) ?? 0} s`, 'alert: > 120 s for 5 min'],
    [
      'chatops_outbox_delivery_lag_seconds',
      `${quantile(all, 'chatops_outbox_delivery_lag_seconds', 0.9)} · chatops_outbox_backlog ${max(all, 'chatops_outbox_backlog') ?? 0}`,
      'alert: p90 > 60 s, or backlog > 200, for 10 min',
    ],
    [
      'chatops_jobs_finished_total',
      finished ? `${byLabels(all, 'chatops_jobs_finished_total', ['kind', 'outcome'])} (${Math.round((100 * failed) / finished)} % failed)` : 'none yet',
      'alert: > 25 % failed in 30 min',
    ],
    ['chatops_credentials_expiring', credentials === 'none yet' ? 'none yet (a scan or /sp list fills it)' : credentials, 'alert: bucket expired or le_1'],
  ];
  const slackErrors = all.filter((s) => s.name === 'chatops_slack_requests_total' && s.labels.error !== 'ok');
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    'The five that matter (README "Operating it"), from GET /metrics:',
    ...rows.map(([name, value, alert]) => `  ${name.padEnd(width)}  ${value}   (${alert})`),
    `  chatops_queue_jobs{queue="jobs"}  ${depth}`,
    `  chatops_slack_requests_total  ${sum(all, 'chatops_slack_requests_total') ?? 0} calls; errors: ${byLabels(slackErrors, 'chatops_slack_requests_total', ['method', 'error']).replace('none yet', 'none')}`,
  ].join('\n');
}
