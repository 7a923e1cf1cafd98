/**
 * Redaction over build logs as the product sees them: 256 KB batches (what the build job reads
 * per poll) and a 5 MB log (the most it attaches on failure), realistic lines with a few
 * secrets, and inputs shaped to make a backtracking pattern quadratic.
 */
import { redactText } from '../src/core/redact.ts';
import { percentile } from './lib.ts';

const lines = [
  '#12 [build 4/9] RUN npm ci --no-audit --fund=false',
  '#12 3.412 added 1432 packages, and audited 1433 packages in 3s',
  'Step 5/9 : RUN export GITHUB_TOKEN=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 && make',
  '2024-05-01T10:00:00.123Z INFO request GET /healthz 200 0.41ms',
  'webpack 5.91.0 compiled: n.exports=function(e){return e&&e.__esModule?e.default:e},r.d(t,{a:()=>o.b.c.d});',
  'connecting Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvW=',
  'web:v1: digest: sha256:3b2c84c5e1f0a9a5a4d9c0e5c1b7c1a3e8d2f6b4a9c0d1e2f3a4b5c6d7e8f9a0 size: 1573',
  '2024-05-01T10:00:01.000Z DEBUG token refreshed id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r',
];

function logOf(bytes: number): string {
  const out: string[] = [];
  for (let n = 0, i = 0; n < bytes; i++) {
    const line = lines[i % lines.length]!;
    out.push(line);
    n += line.length + 1;
  }
  return out.join('\n');
}

const timed = (text: string): number => {
  const t = performance.now();
  redactText(text);
  return performance.now() - t;
};

export function redactionBench() {
  const batch = logOf(256 * 1024);
  for (let i = 0; i < 20; i++) timed(batch); // warm-up
  const batchMs = Array.from({ length: 200 }, () => timed(batch)).sort((a, b) => a - b);
  const full = logOf(5 * 1024 * 1024);
  const fullMs = timed(full);
  const hostile: [string, string][] = [
    ['dotted words', `${'a.'.repeat(250_000)} secret`],
    ['eyJ- runs', `${'eyJ-'.repeat(125_000)} token`],
    ['open PEM headers', '-----BEGIN RSA '.repeat(35_000)],
    ['user@ URLs', `${'https://user@'.repeat(40_000)} secret`],
  ];
  return {
    batchP50: percentile(batchMs, 50),
    batchP99: percentile(batchMs, 99),
    fullMs,
    fullMbPerSecond: full.length / 1024 / 1024 / (fullMs / 1000),
    hostile: hostile.map(([name, text]) => ({ name, kb: Math.round(text.length / 1024), ms: timed(text) })),
  };
}
