import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Metrics } from '../../metrics/metrics.ts';
import { recordAzureAnswer } from '../request-metrics.ts';

/**
 * The Graph client's counterpart of the Azure pipeline's request metrics policy (the Graph
 * client has its own middleware chain). Placed just before the HTTP handler, after the retry
 * handler, so each attempt (a 429 it waits out included) is counted.
 */
export class RequestMetricsMiddleware implements Middleware {
  readonly #metrics: Metrics;
  #next: Middleware | undefined;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  async execute(context: Context): Promise<void> {
    try {
      await this.#next!.execute(context);
    } catch (err) {
      this.#metrics.azureRequests.inc({ service: 'graph', status_class: 'error' });
      throw err;
    }
    const response = context.response;
    if (response) recordAzureAnswer('graph', this.#metrics, response.status, (name) => response.headers.get(name));
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }
}
