import fc from 'fast-check';
import {
  checkHistory,
  emptyDelta,
  mergeDelta,
  type CheckReport,
  type DeltaReport,
} from './history.checker.js';
import { describeViolation, formatHistory } from './history.format.js';
import { HistoryRecorder, type HistoryRecord, type InvalidationKind } from './history.model.js';
import { addStats, emptyStats, type HistoryStats } from './history.stats.js';
import { SimulatedDatabase } from './row-stores.js';
import { RowLocks } from './row-locks.js';
import { ActivityTracker, SchedulerPacer } from './scheduler.pacer.js';
import { WorkloadActor, type WorkloadStep } from './workload.actor.js';
import { hotRows, type CacheUnderTest, type RowLayout } from './workload.layout.js';

/** The caches of one in-process run, each on its own connection; `close` ends them. */
export interface CacheSet {
  caches: CacheUnderTest[];
  close(): Promise<void>;
}

/** Options of {@link checkScheduledRuns}. */
export interface ScheduledCheckOptions {
  /** Builds fresh caches (fresh namespace) for each run. */
  open: (instances: number) => Promise<CacheSet>;
  /** Cache instances per run (at least 3). */
  instances: number;
  layout: RowLayout;
  /** Interleavings to try. */
  numRuns: number;
  /** Operations per run, at most. */
  maxSteps: number;
  /** fast-check seed and path, to replay a failure. */
  seed?: number;
  path?: string;
  /** Stop trying (and shrinking) after this long, in ms. */
  timeLimitMs: number;
  /** How long the system must be quiet before the scheduler releases the next task, in ms. */
  quietMs?: number;
}

/** What {@link checkScheduledRuns} found. */
export interface ScheduledCheckResult {
  seed: number;
  /** Runs before the first failure (all runs when none failed). */
  runs: number;
  /** Counts summed over those runs. */
  stats: HistoryStats;
  /** δ over those runs: the caches share one process, so the allowance is 0. */
  delta: DeltaReport;
  failure?: {
    /** fast-check's report: seed, path, shrunk counterexample and our history of it. */
    message: string;
    /** The violations and history of the last (smallest) failing run. */
    report: CheckReport;
    records: HistoryRecord[];
  };
}

const INVALIDATIONS: InvalidationKind[] = ['del', 'set', 'tag', 'groupTag', 'prefix', 'clear'];

/** Random workloads: reads (mostly `getOrSet`) and writes spread over the instances. */
export function workloadArbitrary(
  instances: number,
  layout: RowLayout,
  maxSteps: number,
): fc.Arbitrary<WorkloadStep[]> {
  const process = fc.nat(instances - 1);
  const read = fc.record({
    type: fc.constant('read' as const),
    via: fc.constantFrom('getOrSet' as const, 'getOrSet' as const, 'get' as const),
    process,
    row: fc.nat(layout.rows - 1),
    slowness: fc.nat(3),
  });
  const write = fc.record({
    type: fc.constant('write' as const),
    process,
    row: fc.constantFrom(...hotRows(layout)),
    invalidation: fc.constantFrom(...INVALIDATIONS),
  });
  return fc.array(fc.oneof({ weight: 3, arbitrary: read }, { weight: 1, arbitrary: write }), {
    minLength: 2,
    maxLength: maxSteps,
  });
}

/**
 * Runs random workloads on `instances` caches, the scheduler of fast-check ordering operation
 * starts, loader answers and writer steps, and checks each history. Stops at the first failing
 * run, shrinks it, and returns fast-check's report with the shrunk history.
 */
export async function checkScheduledRuns(
  options: ScheduledCheckOptions,
): Promise<ScheduledCheckResult> {
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x100000000);
  let runs = 0;
  let failedOnce = false;
  let stats: HistoryStats | undefined;
  let delta = emptyDelta(0);
  let lastFailure: { report: CheckReport; records: HistoryRecord[] } | undefined;
  const property = fc.asyncProperty(
    fc.scheduler(),
    workloadArbitrary(options.instances, options.layout, options.maxSteps),
    async (scheduler, steps) => {
      const set = await options.open(options.instances);
      let records: HistoryRecord[];
      try {
        records = await runScheduled(scheduler, steps, set.caches, options);
      } finally {
        await set.close();
      }
      const report = checkHistory(records, { crossProcessMarginMs: 0 });
      if (!failedOnce) {
        runs += 1;
        stats = addStats(stats ?? emptyStats(), report.stats);
        delta = mergeDelta(delta, report.delta);
      }
      if (report.violations.length === 0) return;
      failedOnce = true;
      lastFailure = { report, records };
      const originMs = records.reduce((min, r) => Math.min(min, r.startMs), Infinity);
      throw new Error(
        report.violations.map((v) => `VIOLATION ${describeViolation(v, originMs)}`).join('\n'),
      );
    },
  );
  const details = await fc.check(property, {
    numRuns: options.numRuns,
    seed,
    ...(options.path === undefined ? {} : { path: options.path }),
    plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs)],
  });
  const result: ScheduledCheckResult = { seed, runs, stats: stats ?? emptyStats(), delta };
  if (details.failed && lastFailure) {
    result.failure = { message: fc.defaultReportMessage(details) ?? '', ...lastFailure };
  } else if (details.failed) {
    throw new Error(fc.defaultReportMessage(details) ?? 'the property failed');
  }
  return result;
}

/** One interleaving: every step waits for the scheduler to start it; the driver releases tasks. */
async function runScheduled(
  scheduler: fc.Scheduler,
  steps: readonly WorkloadStep[],
  caches: readonly CacheUnderTest[],
  options: ScheduledCheckOptions,
): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  const tracker = new ActivityTracker(options.quietMs ?? 3);
  const pacer = new SchedulerPacer(scheduler, tracker);
  const db = new SimulatedDatabase();
  const locks = new RowLocks();
  const actors = caches.map(
    (cache, process) =>
      new WorkloadActor({
        process,
        layout: options.layout,
        cache,
        db,
        pacer,
        locks,
        recorder: new HistoryRecorder(process, (record) => records.push(record)),
        ttlSeconds: 60,
      }),
  );
  const done = steps.map((step) =>
    tracker.track((actors[step.process] as WorkloadActor).run(step)),
  );
  const deadlineMs = performance.now() + 20_000;
  while (tracker.pending > 0) {
    if (performance.now() > deadlineMs) {
      throw new Error(
        `an interleaving did not finish in 20 s (${tracker.pending} operations left)`,
      );
    }
    await tracker.settle();
    if (scheduler.count() > 0) await scheduler.waitNext(1);
    else if (tracker.pending > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(done);
  return records;
}

/**
 * The text of a failed scheduled check: the violations and the whole timeline of the shrunk
 * interleaving, fast-check's report (seed, path, counterexample and the scheduler's order of
 * tasks), and the command that replays it.
 */
export function scheduledFailureText(result: ScheduledCheckResult, replayCommand: string): string {
  const failure = result.failure;
  if (!failure) return '';
  const { report, records } = failure;
  const originMs = records.reduce((min, r) => Math.min(min, r.startMs), Infinity);
  const path = /path: "([^"]*)"/.exec(failure.message)?.[1];
  return [
    `${report.violations.length} violation(s) in the shrunk interleaving (${records.length} records):`,
    ...report.violations.map((v) => `  VIOLATION ${describeViolation(v, originMs)}`),
    'its history (ms from the first operation; p<n> is cache instance n, #<n>:<k> an operation):',
    formatHistory(records, report),
    '',
    'fast-check report:',
    failure.message,
    '',
    `replay: CONSISTENCY_SEED=${result.seed}${path ? ` CONSISTENCY_PATH=${path}` : ''} ${replayCommand}`,
  ].join('\n');
}
