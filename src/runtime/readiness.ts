/**
 * One thing the process needs before it can do its job. `/readyz` answers 200 only when every
 * check of every role says ok, advisory checks aside. A role adds one with `res.readiness.push(check)`.
 */
export interface ReadinessCheck {
  /** Short and stable: it names what is not ready in `/readyz`'s answer (`redis`, `slack`, `azure`…). */
  name: string;
  /** Resolves `{ ok: false, detail }` (or throws) when not ready; `detail` says what to look at. */
  check(): Promise<{ ok: boolean; detail?: string }>;
  /**
   * Reported in `/readyz` (under `warnings` when not ok) but never a 503: for trouble that
   * limits part of the product while the rest keeps working, such as one unreachable channel.
   */
  advisory?: boolean;
}

export interface ReadinessResult {
  name: string;
  ok: boolean;
  detail?: string;
  /** From an advisory check: listed, never a reason to answer 503. */
  advisory?: true;
  /** Which process said so, when a supervisor merges its children's answers. */
  role?: string;
}

/** `check`, reported by `/readyz` without deciding its status (see {@link ReadinessCheck.advisory}). */
export function advisory(check: ReadinessCheck): ReadinessCheck {
  return { name: check.name, check: () => check.check(), advisory: true };
}

/** Runs every check at once; one that throws or takes longer than `timeoutMs` is not ready. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 2000): Promise<ReadinessResult[]> {
  return Promise.all(
    checks.map(async ({ name, check, advisory }) => {
      const kind = advisory ? { advisory: true as const } : {};
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          check(),
          new Promise<{ ok: boolean; detail: string }>((resolve) => {
            timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
          }),
        ]);
        return { name, ok: result.ok, ...(result.detail !== undefined && { detail: result.detail }), ...kind };
      } catch (err) {
        return { name, ok: false, detail: (err as Error).message, ...kind };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/**
 * Remembers a check's answer for a while, so probes every few seconds do not call Slack's
 * `auth.test` or Entra ID each time. A failure is remembered for less time than a success, so
 * recovery shows quickly; concurrent probes share one call.
 */
export function cachedCheck(inner: ReadinessCheck, options: { okForMs: number; failedForMs: number; now?: () => number }): ReadinessCheck {
  const now = options.now ?? Date.now;
  let last: { at: number; result: { ok: boolean; detail?: string } } | undefined;
  let pending: Promise<{ ok: boolean; detail?: string }> | undefined;
  return {
    name: inner.name,
    async check() {
      if (last && now() - last.at < (last.result.ok ? options.okForMs : options.failedForMs)) return last.result;
      pending ??= inner
        .check()
        .catch((err: unknown) => ({ ok: false, detail: (err as Error).message }))
        .then((result) => {
          last = { at: now(), result };
          pending = undefined;
          return result;
        });
      return pending;
    },
  };
}

/**
 * What `/readyz` answers: 200 and `ready`, or 503 naming every check that is not. Advisory
 * checks that fail are named under `warnings` and leave the status alone.
 */
export function readinessAnswer(results: readonly ReadinessResult[]): {
  status: 200 | 503;
  body: { status: 'ready' | 'not ready'; notReady: string[]; warnings: string[]; checks: ReadinessResult[] };
} {
  const names = (of: readonly ReadinessResult[]) => [...new Set(of.filter((r) => !r.ok).map((r) => r.name))];
  const gating = results.filter((r) => !r.advisory);
  const notReady = names(gating);
  // No gating checks at all means nothing was verified: fail closed.
  const ready = gating.length > 0 && notReady.length === 0;
  return {
    status: ready ? 200 : 503,
    body: { status: ready ? 'ready' : 'not ready', notReady, warnings: names(results.filter((r) => r.advisory)), checks: [...results] },
  };
}
