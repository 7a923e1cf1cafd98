import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import type { Metrics } from '../metrics/metrics.ts';

const startedMarkerTtlSeconds = 8 * 24 * 3600;

/**
 * Job counters from a worker's events. A job that waits durably (a followed build, an approval)
 * is taken again and again; it counts as started once, the first time any process takes it
 * (one SET NX per activation decides, so replicas agree), and as finished when it leaves for
 * good: completed, or failed after its last attempt.
 */
export function observeJobs(worker: Worker, metrics: Metrics, redis: Redis, markerPrefix: string): void {
  worker.on('active', (job: Job) => {
    redis.set(`${markerPrefix}:${job.id}`, '1', 'EX', startedMarkerTtlSeconds, 'NX').then(
      (first) => {
        if (first === 'OK') metrics.jobsStarted.inc({ kind: job.name });
      },
      () => {}, // Redis away: the count is lost, the job is not.
    );
  });
  const finished = (job: Job, outcome: 'completed' | 'failed') => {
    metrics.jobsFinished.inc({ kind: job.name, outcome });
    if (job.finishedOn) metrics.jobDuration.observe({ kind: job.name }, Math.max(0, (job.finishedOn - job.timestamp) / 1000));
  };
  worker.on('completed', (job: Job) => finished(job, 'completed'));
  worker.on('failed', (job: Job | undefined) => {
    // Without finishedOn the attempt failed but the job will be retried.
    if (job?.finishedOn) finished(job, 'failed');
  });
}

/**
 * Outbox delivery lag: a flush job is requested when something is put in the outbox, and
 * completes when Slack has it. A flush that has to wait (its channel's turn, Slack's
 * Retry-After, a halt on a dead token) waits as that same job, delayed or paused, so the wait
 * counts: the figure is how late Slack output is.
 */
export function observeOutboxDelivery(worker: Worker, metrics: Metrics): void {
  worker.on('completed', (job: Job) => {
    if (job.finishedOn) metrics.outboxDeliveryLag.observe(Math.max(0, (job.finishedOn - job.timestamp) / 1000));
  });
}

const states = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * Gauges read from Redis when Prometheus scrapes: jobs per queue and state, the age of the
 * oldest job ready to run but not taken, and the outbox backlog. Each read has a deadline; when
 * Redis does not answer the gauges keep their last values (and `/readyz` says why).
 * Every replica reports the same queue, so take `max` across instances, not `sum`. Bots report
 * them too: when every worker is down, that is exactly when the oldest waiting job matters.
 */
export function registerQueueGauges(
  registry: Registry,
  queues: { jobs: Queue; outbox: Queue; home: Queue },
  options: { timeoutMs?: number; now?: () => number } = {},
): void {
  // Bot and worker both register them (so the figures survive every worker being down); once per process is enough.
  if (registry.getSingleMetric('chatops_queue_jobs')) return;
  const timeoutMs = options.timeoutMs ?? 1000;
  const now = options.now ?? Date.now;
  const registers = [registry];
  // App Home publishes have a queue of their own: listed here, never in the outbox backlog.
  const byName = [queues.jobs, queues.outbox, queues.home];
  const depth = new Gauge({
    name: 'chatops_queue_jobs',
    help: 'Jobs per queue and state (waiting: ready, not taken; delayed: waiting for a time, e.g. a followed build between looks).',
    labelNames: ['queue', 'state'],
    aggregator: 'max',
    registers,
    async collect() {
      await Promise.all(
        byName.map(async (queue) => {
          const counts = await within(queue.getJobCounts(...states), timeoutMs);
          if (counts) for (const state of states) depth.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
    },
  });
  const oldest = new Gauge({
    name: 'chatops_queue_oldest_waiting_seconds',
    help: 'How long the oldest job ready to run has waited for a worker (0 when none waits).',
    labelNames: ['queue'],
    aggregator: 'max',
    registers,
    async collect() {
      await Promise.all(
        byName.map(async (queue) => {
          const jobs = await within(queue.getJobs(['waiting'], 0, 0, true), timeoutMs);
          if (jobs) oldest.set({ queue: queue.name }, jobs[0] ? Math.max(0, (now() - readySince(jobs[0])) / 1000) : 0);
        }),
      );
    },
  });
  const backlog = new Gauge({
    name: 'chatops_outbox_backlog',
    help: 'Threads with cards or replies not yet sent to Slack (outbox flushes waiting, delayed or running).',
    aggregator: 'max',
    registers,
    async collect() {
      const counts = await within(queues.outbox.getJobCounts('waiting', 'delayed', 'active', 'prioritized'), timeoutMs);
      if (counts) backlog.set(Object.values(counts).reduce((a, b) => a + b, 0));
    },
  });
}

/**
 * When a waiting job became ready: its creation, or, for a job that ran and then waited
 * (a durable delay, a retry's backoff), the end of that delay. An early wake-up makes the
 * estimate later than the truth, never earlier, so the age is never overstated.
 */
function readySince(job: Job): number {
  return job.processedOn ? job.processedOn + (job.delay ?? 0) : job.timestamp + (job.opts.delay ?? 0);
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.catch(() => undefined), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
