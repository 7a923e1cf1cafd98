/** Reads `/metrics` of a running product. */
export async function scrape(baseUrl: string): Promise<{ contentType: string; text: string }> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return { contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/**
 * The value of one series in Prometheus text format: `name` with at least `labels` (other
 * labels, such as `role`, are summed over). Undefined when no series matches.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const seen = Object.fromEntries([...(m[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => seen[k] === v)) total = (total ?? 0) + Number(m[4]);
  }
  return total;
}
