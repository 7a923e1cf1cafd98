import { isRestError, type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { Metrics } from '../metrics/metrics.ts';

/** The services the bot talks to, as the `service` label of its Azure request metrics. */
export type AzureService = 'arm-containerregistry' | 'arm-containerinstance' | 'acr-data' | 'keyvault' | 'graph' | 'entra-id' | 'storage';

/**
 * What every Azure client is built with at the composition root: the options of
 * `@azure/core-client`'s `CommonClientOptions` that adapters pass through to their SDK clients.
 */
export interface AzureClientOptions {
  additionalPolicies?: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];
}

/**
 * A pipeline policy that counts each attempt (it runs per retry, after the SDK's retry
 * policy, so a 429 the SDK waits out and retries is counted, with its Retry-After) by status
 * class. It only observes: the request and the response pass through unchanged.
 */
export function requestMetricsPolicy(service: AzureService, metrics: Metrics): PipelinePolicy {
  return {
    name: 'chatopsRequestMetrics',
    async sendRequest(request, next) {
      try {
        const response = await next(request);
        recordAzureAnswer(service, metrics, response.status, (name) => response.headers.get(name));
        return response;
      } catch (err) {
        const response: PipelineResponse | undefined = isRestError(err) ? err.response : undefined;
        if (response) recordAzureAnswer(service, metrics, response.status, (name) => response.headers.get(name));
        else metrics.azureRequests.inc({ service, status_class: 'error' });
        throw err;
      }
    },
  };
}

/** Client options that add {@link requestMetricsPolicy} for `service`. */
export function observedAzureClient(service: AzureService, metrics: Metrics): AzureClientOptions {
  return { additionalPolicies: [{ policy: requestMetricsPolicy(service, metrics), position: 'perRetry' }] };
}

/** Counts one answer; shared by the pipeline policy, the Graph middleware and plain fetch calls. */
export function recordAzureAnswer(service: AzureService, metrics: Metrics, status: number, header: (name: string) => string | undefined | null): void {
  metrics.azureRequests.inc({ service, status_class: `${Math.floor(status / 100)}xx` });
  if (status !== 429) return;
  metrics.azureThrottled.inc({ service });
  const seconds = retryAfterSeconds(header);
  if (seconds !== undefined) metrics.azureRetryAfter.observe({ service }, seconds);
}

/**
 * Azure's throttling hints, in the order the SDK's own throttling policy reads them:
 * `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` (seconds or an HTTP date).
 */
function retryAfterSeconds(header: (name: string) => string | undefined | null): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(header(name) ?? Number.NaN);
    if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  }
  const value = header('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** `fetch` that counts its answers like {@link requestMetricsPolicy} (the build log blob is read with plain fetch). */
export function observedAzureFetch(service: AzureService, metrics: Metrics, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    try {
      const res = await base(input, init);
      recordAzureAnswer(service, metrics, res.status, (name) => res.headers.get(name));
      return res;
    } catch (err) {
      metrics.azureRequests.inc({ service, status_class: 'error' });
      throw err;
    }
  };
}
