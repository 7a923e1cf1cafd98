import type { FetchFunction } from '@slack/web-api';
import type { Metrics } from '../metrics/metrics.ts';

const METHOD = /^[a-z]+(\.[a-zA-Z]+){1,3}$/;
const ERROR_CODE = /^[a-z_]{1,60}$/;

/**
 * The `fetch` every WebClient is built with (ours and Bolt's, through `clientOptions`): it
 * counts each HTTP attempt by Web API method and Slack's error code, reading the answer's JSON
 * from a clone after handing the response back, so the caller never waits on the counting.
 * A 429 counts as `ratelimited`, whatever its body says; uploads to Slack's file URLs as `upload`.
 */
export function observedSlackFetch(metrics: Metrics, apiUrl: string | undefined, base: typeof fetch = fetch): FetchFunction {
  const api = apiUrl ?? 'https://slack.com/api/';
  return async (url, init) => {
    const href = String(url);
    const name = href.startsWith(api) ? href.slice(api.length).split(/[?#]/)[0]! : 'upload';
    const method = name === 'upload' || METHOD.test(name) ? name : 'other';
    let res: Response;
    try {
      res = await base(url, init as RequestInit);
    } catch (err) {
      metrics.slackRequests.inc({ method, error: 'network_error' });
      throw err;
    }
    if (res.status === 429) metrics.slackRequests.inc({ method, error: 'ratelimited' });
    else if (res.status >= 500) metrics.slackRequests.inc({ method, error: `http_${res.status}` });
    else if (method === 'upload') metrics.slackRequests.inc({ method, error: res.ok ? 'ok' : `http_${res.status}` });
    else void errorCodeOf(res.clone()).then((error) => metrics.slackRequests.inc({ method, error }));
    return res;
  };
}

async function errorCodeOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { ok?: boolean; error?: unknown };
    if (body.ok) return 'ok';
    return typeof body.error === 'string' && ERROR_CODE.test(body.error) ? body.error : 'other';
  } catch {
    return res.ok ? 'unreadable' : `http_${res.status}`;
  }
}
