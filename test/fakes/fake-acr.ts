import type { AcrBuilds, DockerBuildSpec, LogChunk, LogLink, LogReader, RunClaims, RunInfo } from '../../src/core/build/acr-builds.ts';
import type { CardDelivery, JobCard, JobReporter, ThreadMessage } from '../../src/core/card.ts';
import type { JobContext } from '../../src/core/job-context.ts';
import type { CancelRequests } from '../../src/core/job-queue.ts';
import type { RegistryRef } from '../../src/core/registry-ref.ts';
import { pino } from 'pino';

/** In-memory ACR for handler unit tests; the emulator covers the real SDK paths. */
export class FakeAcr implements AcrBuilds {
  runs = new Map<string, RunInfo & { log: string; complete?: string }>();
  /** Task names of the task runs scheduled, in order. */
  taskRuns: string[] = [];
  calls: string[] = [];
  failNext: Error | undefined;
  /** Runs whose log ACR keeps as an artifact (`logArtifactLink`). */
  artifactLogs = new Set<string>();
  #n = 0;

  #maybeFail(name: string) {
    this.calls.push(name);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
  }
  async scheduleDockerBuild(_ref: RegistryRef, spec: DockerBuildSpec): Promise<RunInfo> {
    this.#maybeFail('schedule');
    const runId = `ca${++this.#n}`;
    const run = { runId, status: 'Queued', createTime: new Date(), outputImages: [], log: '', platform: { ...spec.platform } };
    this.runs.set(runId, run);
    return { ...run };
  }
  async scheduleTaskRun(_ref: RegistryRef, taskName: string): Promise<RunInfo> {
    this.#maybeFail('scheduleTask');
    this.taskRuns.push(taskName);
    const runId = `ca${++this.#n}`;
    const run = { runId, status: 'Queued', runType: 'QuickRun', taskName, createTime: new Date(), outputImages: [], log: '' };
    this.runs.set(runId, run);
    return { ...run };
  }
  async getRun(_ref: RegistryRef, runId: string): Promise<RunInfo> {
    this.#maybeFail('getRun');
    return { ...this.runs.get(runId)! };
  }
  async listRunsSince(_ref: RegistryRef, since: Date, taskName?: string): Promise<RunInfo[]> {
    this.#maybeFail('list');
    return [...this.runs.values()].filter((r) => (!r.createTime || r.createTime >= since) && r.taskName === taskName);
  }
  async listTaskRuns(_ref: RegistryRef, taskNames: readonly string[], top: number): Promise<RunInfo[]> {
    this.#maybeFail('list');
    const names = new Set(taskNames.map((n) => n.toLowerCase()));
    return [...this.runs.values()]
      .filter((r) => r.taskName && names.has(r.taskName.toLowerCase()))
      .reverse()
      .slice(0, top);
  }
  async listRuns(_ref: RegistryRef, options: { top: number }): Promise<RunInfo[]> {
    return (await this.listRunsSince(_ref, new Date(0))).slice(0, options.top);
  }
  async cancelRun(_ref: RegistryRef, runId: string): Promise<void> {
    this.#maybeFail('cancel');
    const run = this.runs.get(runId)!;
    run.status = 'Canceled';
    run.complete = 'canceled';
  }
  async getLogLink(_ref: RegistryRef, runId: string): Promise<LogLink> {
    this.#maybeFail('getLogLink');
    return this.artifactLogs.has(runId)
      ? { url: `https://registry.example/${runId}?sig=secret`, artifact: true }
      : { url: `https://blob.example/${runId}?sig=secret`, artifact: false };
  }
  /** Appends log text and optionally ends the run. */
  write(runId: string, text: string, end?: { status: string; complete: string }): void {
    const run = this.runs.get(runId)!;
    run.log += text;
    run.status = end?.status ?? 'Running';
    if (end) {
      run.complete = end.complete;
      run.finishTime = new Date();
      run.outputImages = [{ registry: 'contosodev.azurecr.io', repository: 'web', tag: 'v1', digest: `sha256:${'a'.repeat(64)}` }];
    }
  }
  logReader(): LogReader {
    return {
      read: async (url, offset): Promise<LogChunk> => {
        if (url.startsWith('https://registry.example/')) throw new Error('a log artifact is not an append blob');
        const run = this.runs.get(/\/(ca\d+)\?/.exec(url)![1]!)!;
        if (run.status === 'Queued') return { exists: false, text: '', nextOffset: offset };
        const text = run.log.slice(offset);
        return { exists: true, text, nextOffset: run.log.length, ...(run.complete && { complete: run.complete }) };
      },
      readAll: async (link) => {
        const run = this.runs.get(/\/(ca\d+)\?/.exec(link.url)![1]!)!;
        // A log artifact exists once the run is over (as the emulator assumes).
        if (link.artifact && !run.complete) return { text: '', truncatedBytes: 0 };
        return { text: run.log, truncatedBytes: 0 };
      },
    };
  }
}

export class FakeReporter implements JobReporter {
  cards: JobCard[] = [];
  messages: ThreadMessage[] = [];
  async openCard(card: JobCard): Promise<void> {
    this.cards.push(structuredClone(card));
  }
  async updateCard(card: JobCard): Promise<void> {
    this.cards.push(structuredClone(card));
  }
  async post(_jobId: string, message: ThreadMessage): Promise<void> {
    this.messages.push(message);
  }
  /** What `deliveryOf` answers, per job (default: delivered). */
  delivery = new Map<string, CardDelivery>();
  async deliveryOf(jobId: string): Promise<CardDelivery> {
    return this.delivery.get(jobId) ?? 'delivered';
  }
  get last(): JobCard | undefined {
    return this.cards.at(-1);
  }
}

export class FakeClaims implements RunClaims {
  owners = new Map<string, string>();
  async claim(registry: string, runId: string, jobId: string) {
    const key = `${registry}/${runId}`;
    if (!this.owners.has(key)) this.owners.set(key, jobId);
    return this.owners.get(key) === jobId;
  }
  async ownerOf(registry: string, runId: string) {
    return this.owners.get(`${registry}/${runId}`);
  }
}

export class FakeCancels implements CancelRequests {
  flags = new Map<string, string>();
  async request(jobId: string, userId: string) {
    this.flags.set(jobId, userId);
  }
  async requestedBy(jobId: string) {
    return this.flags.get(jobId);
  }
}

export class Woke extends Error {
  override name = 'DelayedError';
  readonly ms: number;
  constructor(ms: number) {
    super(`wake after ${ms}`);
    this.ms = ms;
  }
}

/** A JobContext whose saves are recorded and whose wakeAfter ends the run like BullMQ's DelayedError. */
export function fakeContext<T>(data: T, opts: { attemptsMade?: number; maxAttempts?: number } = {}) {
  const saves: T[] = [];
  const ctx: JobContext<T> & { saves: T[] } = {
    id: 'j000000000001',
    data,
    attemptsMade: opts.attemptsMade ?? 0,
    maxAttempts: opts.maxAttempts ?? 5,
    log: pino({ level: 'silent' }),
    saves,
    async save(next: T) {
      saves.push(structuredClone(next));
      (ctx as { data: T }).data = next;
    },
    async wakeAfter(ms: number): Promise<never> {
      throw new Woke(ms);
    },
  };
  return ctx;
}
