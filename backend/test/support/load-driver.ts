/** What one operation of a load target reports. */
export interface OpOutcome {
  /** A short name for the kind of operation (`get`, `set`, `GET /products/1`). */
  kind: string;
  /** Whether the operation did what was asked (a hit, a stored write, a 2xx answer). */
  ok: boolean;
  /** The key or path the operation touched, for checks made after the run. */
  key?: string;
  /** A status or reason, e.g. an HTTP status. */
  detail?: string;
}

/**
 * One operation of a load run. `index` counts from 0. A target must not throw for an expected
 * failure (a miss, a dropped write, a 503): a throw is recorded as an exception reaching the
 * caller, which is what the fault tests count.
 */
export type LoadTarget = (index: number) => Promise<OpOutcome>;

/** One operation as the driver saw it. */
export interface LoadSample extends OpOutcome {
  index: number;
  /** When the operation was started (`Date.now()`). */
  startedAtMs: number;
  /** How long it took, in ms (until it settled, or until the run ended for one that never did). */
  latencyMs: number;
  /** The target threw (or rejected) instead of reporting an outcome. */
  threw: boolean;
  /** The operation had not settled when the run was collected. */
  hung: boolean;
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
  /** Operations started per second, at a fixed pace whatever their latency (open loop). */
  ratePerSecond: number;
  /** Longest run, in ms. */
  durationMs: number;
  /** Most operations started. Default: `ratePerSecond × durationMs / 1000`. */
  maxOps?: number;
  /** How long to wait for operations still running after the last start, in ms. Default 5,000. */
  drainMs?: number;
}

/** A load run in progress. */
export interface LoadRun {
  /** When the run started (`Date.now()`). */
  readonly startedAtMs: number;
  /** Stops starting operations; `finished` still waits for those in flight. */
  stop(): void;
  /** Every sample, ordered by start, once the run has ended and drained. */
  readonly finished: Promise<LoadSample[]>;
}

/**
 * Starts operations at a fixed rate until `durationMs` passes, `maxOps` have started, or
 * `stop()` is called. Operations are started on schedule even while earlier ones are slow, so
 * latency under a fault is measured rather than hidden by back-pressure. Each operation's
 * start, latency, outcome and any exception are recorded.
 */
export function startLoad(target: LoadTarget, options: LoadOptions): LoadRun {
  const intervalMs = 1000 / options.ratePerSecond;
  const maxOps = options.maxOps ?? Math.floor((options.ratePerSecond * options.durationMs) / 1000);
  const startedAtMs = Date.now();
  const startedAt = performance.now();
  const samples: LoadSample[] = [];
  const pending = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone: () => void = () => undefined;
  const scheduleDone = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const launch = (index: number) => {
    const sample: LoadSample = {
      index,
      kind: 'unknown',
      ok: false,
      startedAtMs: Date.now(),
      latencyMs: 0,
      threw: false,
      hung: true,
    };
    samples.push(sample);
    const opStartedAt = performance.now();
    const op = Promise.resolve()
      .then(() => target(index))
      .then(
        (outcome) => {
          Object.assign(sample, outcome);
        },
        (error: unknown) => {
          sample.threw = true;
          sample.detail = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        sample.hung = false;
        sample.latencyMs = performance.now() - opStartedAt;
        pending.delete(op);
      });
    pending.add(op);
  };

  let next = 0;
  const tick = () => {
    const elapsed = performance.now() - startedAt;
    if (stopped || elapsed >= options.durationMs || next >= maxOps) {
      resolveDone();
      return;
    }
    // Catch up on every operation that is due, so a slow event loop does not lower the rate.
    while (next < maxOps && next * intervalMs <= elapsed) launch(next++);
    const wait = Math.max(0, next * intervalMs - (performance.now() - startedAt));
    timer = setTimeout(tick, Math.min(wait, 50));
  };
  tick();

  const finished = scheduleDone.then(async () => {
    clearTimeout(timer);
    const drainMs = options.drainMs ?? 5_000;
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...pending]),
      new Promise((resolve) => {
        drainTimer = setTimeout(resolve, drainMs);
      }),
    ]);
    clearTimeout(drainTimer);
    const now = performance.now();
    for (const sample of samples) {
      if (sample.hung) sample.latencyMs = now - (startedAt + sample.index * intervalMs);
    }
    return samples;
  });

  return {
    startedAtMs,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      resolveDone();
    },
    finished,
  };
}

/** Counts and latencies of a set of samples. */
export interface LoadSummary {
  total: number;
  ok: number;
  /** Reported a failure (a miss, a dropped write, a non-2xx answer) without throwing. */
  notOk: number;
  /** Exceptions that reached the caller. */
  threw: number;
  /** Never settled. */
  hung: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Operations started per second over the samples' span. */
  ratePerSecond: number;
}

/** Summarises samples (optionally only those started in `[fromMs, toMs)`). */
export function summarize(
  samples: readonly LoadSample[],
  fromMs = 0,
  toMs = Infinity,
): LoadSummary {
  const inWindow = samples.filter((s) => s.startedAtMs >= fromMs && s.startedAtMs < toMs);
  const latencies = inWindow.map((s) => s.latencyMs).sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const first = inWindow[0]?.startedAtMs ?? 0;
  const last = inWindow[inWindow.length - 1]?.startedAtMs ?? 0;
  return {
    total: inWindow.length,
    ok: inWindow.filter((s) => s.ok && !s.threw).length,
    notOk: inWindow.filter((s) => !s.ok && !s.threw && !s.hung).length,
    threw: inWindow.filter((s) => s.threw).length,
    hung: inWindow.filter((s) => s.hung).length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    ratePerSecond: last > first ? round(((inWindow.length - 1) * 1000) / (last - first)) : 0,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
