import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Which process the figures come from; a label on every series, so one scrape of the supervisor still tells them apart. */
export type MetricsRole = 'bot' | 'worker' | 'all' | 'supervisor';

/** Waits measured in seconds that run from a click to a day (approvals, rotations' grace periods). */
const longWaitBuckets = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400];

/**
 * The product's Prometheus instruments, on a registry of their own (never prom-client's global
 * one). Label values come from short fixed vocabularies: job kinds, queue names, Slack methods
 * and error codes, Azure services, HTTP status classes; never ids, users or free text.
 */
export interface Metrics {
  readonly registry: Registry;
  jobsStarted: Counter<'kind'>;
  jobsFinished: Counter<'kind' | 'outcome'>;
  /** From the command being queued to the job finishing for good (waits included). */
  jobDuration: Histogram<'kind'>;
  /** From a change being put in the outbox to Slack having it. */
  outboxDeliveryLag: Histogram<never>;
  slackRequests: Counter<'method' | 'error'>;
  azureRequests: Counter<'service' | 'status_class'>;
  azureThrottled: Counter<'service'>;
  azureRetryAfter: Histogram<'service'>;
  approvalDecision: Histogram<'outcome'>;
  /** Slash commands and clicks: request received → response sent. */
  ackDuration: Histogram<never>;
  auditWriteFailures: Counter<never>;
}

export function createMetrics(role: MetricsRole): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    jobsStarted: new Counter({
      name: 'chatops_jobs_started_total',
      help: 'Jobs taken by a worker for the first time, by kind.',
      labelNames: ['kind'],
      registers,
    }),
    jobsFinished: new Counter({
      name: 'chatops_jobs_finished_total',
      help: 'Jobs finished for good, by kind and outcome (completed, or failed after its last attempt).',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'chatops_job_duration_seconds',
      help: 'Queued → finished, waits included, by kind.',
      labelNames: ['kind'],
      buckets: longWaitBuckets,
      registers,
    }),
    outboxDeliveryLag: new Histogram({
      name: 'chatops_outbox_delivery_lag_seconds',
      help: 'A card or reply put in the Slack outbox → sent to Slack.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    slackRequests: new Counter({
      name: 'chatops_slack_requests_total',
      help: 'Slack Web API requests (every attempt), by method and error code ("ok" when none; "ratelimited" for 429).',
      labelNames: ['method', 'error'],
      registers,
    }),
    azureRequests: new Counter({
      name: 'chatops_azure_requests_total',
      help: 'Azure requests (every attempt), by service and HTTP status class ("error" when no answer came).',
      labelNames: ['service', 'status_class'],
      registers,
    }),
    azureThrottled: new Counter({ name: 'chatops_azure_throttled_total', help: 'Azure 429 answers, by service.', labelNames: ['service'], registers }),
    azureRetryAfter: new Histogram({
      name: 'chatops_azure_retry_after_seconds',
      help: 'The Retry-After Azure gave with its 429s, by service.',
      labelNames: ['service'],
      buckets: [1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    approvalDecision: new Histogram({
      name: 'chatops_approval_decision_seconds',
      help: 'Approval requested → approved or rejected.',
      labelNames: ['outcome'],
      buckets: longWaitBuckets,
      registers,
    }),
    ackDuration: new Histogram({
      name: 'chatops_ack_duration_seconds',
      help: 'Slack request received → answered (slash commands and interactivity); Slack gives up after 3 s.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers,
    }),
    auditWriteFailures: new Counter({
      name: 'chatops_audit_write_failures_total',
      help: 'Audit records that could not be written (the action was refused).',
      registers,
    }),
  };
}
