import { startLoad, type LoadSample } from '../../test/support/load-driver.js';
import { httpGetTarget } from '../../test/support/load-targets.js';
import { sleep } from '../../test/support/wait-for.js';
import type { Contender, FaultFigures, FaultStage } from './chaos.types.js';
import { timelineLines } from './timeline.js';

/** Requests per second, started on schedule whatever their latency. */
export const RATE_PER_SECOND = 150;
/** A client gives up on a request after this long (counted as an error), in ms. */
export const CLIENT_TIMEOUT_MS = 5_000;
/** Load before the fault, in ms. */
export const LEAD_IN_MS = 2_000;
/** Load after the fault ends, in ms. */
export const OBSERVE_MS = 6_000;
/** A healthy request: a 2xx answer within this many ms (or twice the lead-in p99, if larger). */
export const HEALTHY_MS = 100;
/** Recovery is measured in windows this long, in ms. */
export const WINDOW_MS = 500;
/** Recovery needs a healthy run at least this long before the load stops, in ms. */
export const STEADY_MS = 1_000;
/** A window is healthy when at least this share of its requests were. */
export const HEALTHY_SHARE = 0.95;

/** Products read by every request before the fault and by even ones from then on. */
const HOT_IDS = 20;
/** The demo catalogue holds ids 1 to 100; the rest are walked from the fault start. */
const CATALOGUE_SIZE = 100;

/**
 * Paths of the load: before the fault every request reads one of 20 hot products (cached
 * during the lead-in); from the fault start, odd requests walk products 21–100 in turn, so the
 * fault meets cache misses and writes as well as hits (a write that fails leaves its product
 * missing, and the next pass writes it again).
 */
export class ChaosPaths {
  private coldFromIndex = Infinity;

  /** Odd requests from `index` on walk the cold products. */
  startColdWalk(index: number): void {
    this.coldFromIndex = index;
  }

  readonly path = (index: number): string => {
    if (index % 2 === 1 && index >= this.coldFromIndex) {
      const step = Math.floor((index - this.coldFromIndex) / 2);
      return `/products/${HOT_IDS + 1 + (step % (CATALOGUE_SIZE - HOT_IDS))}`;
    }
    return `/products/${(Math.floor(index / 2) % HOT_IDS) + 1}`;
  };
}

/**
 * Runs the fault of `stage` under a fixed-rate HTTP load on `contender`: lead-in, inject,
 * hold, end, observe; returns the figures of the requests started from the fault on.
 */
export async function runFault(
  stage: FaultStage,
  contender: Contender,
  timeline = false,
): Promise<FaultFigures> {
  const paths = new ChaosPaths();
  const target = httpGetTarget(contender.baseUrl, paths.path, CLIENT_TIMEOUT_MS);
  for (let i = 0; i < 40; i += 1) await target(i).catch(() => undefined);
  const run = startLoad(target, {
    ratePerSecond: RATE_PER_SECOND,
    durationMs: 120_000,
    drainMs: CLIENT_TIMEOUT_MS + 500,
  });
  let phases: FaultPhases;
  try {
    phases = await driveFault(stage, contender, (faultAtMs) =>
      paths.startColdWalk(Math.ceil(((faultAtMs - run.startedAtMs) * RATE_PER_SECOND) / 1000)),
    );
  } finally {
    run.stop();
  }
  const { faultAtMs, endedAtMs, queued } = phases;
  const all = await run.finished;
  if (timeline) {
    process.stdout.write(
      `    fault from t=0 to t=${((endedAtMs - faultAtMs) / 1000).toFixed(1)} s\n`,
    );
    for (const line of timelineLines(all, faultAtMs)) process.stdout.write(`${line}\n`);
  }
  const samples = all.filter((s) => s.startedAtMs >= faultAtMs);
  const healthyMs = healthyMsOf(all.filter((s) => s.startedAtMs < faultAtMs));
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return {
    errors: samples.filter((s) => !s.ok || s.threw || s.hung).length,
    requests: samples.length,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
    recoveryMs: recoveryMs(samples, endedAtMs, healthyMs),
    tailP50Ms: medianMs(samples.filter((s) => s.startedAtMs >= endedAtMs + OBSERVE_MS - 1_000)),
    healthyMs,
    queued,
    faultMs: endedAtMs - faultAtMs,
    evidence: await stage.evidence?.().catch((error: unknown) => `evidence: ${String(error)}`),
  };
}

/** When the fault started and ended, and the app's queue at its end. */
interface FaultPhases {
  faultAtMs: number;
  endedAtMs: number;
  queued: number | null;
}

/** Lead-in, inject, hold, end (reading the queue), observe. */
async function driveFault(
  stage: FaultStage,
  contender: Contender,
  onFault: (faultAtMs: number) => void,
): Promise<FaultPhases> {
  await sleep(LEAD_IN_MS);
  const faultAtMs = Date.now();
  onFault(faultAtMs);
  await stage.inject();
  await sleep(Math.max(0, faultAtMs + stage.holdMs - Date.now()));
  let queued = stage.endsWithSwitch ? null : contender.queued();
  await stage.end();
  if (stage.endsWithSwitch) queued = contender.queued();
  const endedAtMs = Date.now();
  await sleep(OBSERVE_MS);
  return { faultAtMs, endedAtMs, queued };
}

/**
 * Steady state after the fault. The {@link OBSERVE_MS} after `endedAtMs` are cut into
 * {@link WINDOW_MS} windows; a window is healthy when at least {@link HEALTHY_SHARE} of the
 * requests started in it answered 2xx within `healthyMs`. Recovery is from `endedAtMs` to the
 * start of the first window from which every later window is healthy, that run lasting at least
 * {@link STEADY_MS}; `null` when there is no such run (not recovered).
 */
export function recoveryMs(
  samples: readonly LoadSample[],
  endedAtMs: number,
  healthyMs: number,
): number | null {
  const count = Math.floor(OBSERVE_MS / WINDOW_MS);
  const windows = Array.from({ length: count }, () => ({ total: 0, healthy: 0 }));
  for (const sample of samples) {
    const window = windows[Math.floor((sample.startedAtMs - endedAtMs) / WINDOW_MS)];
    if (!window || sample.startedAtMs < endedAtMs) continue;
    window.total += 1;
    if (sample.ok && !sample.threw && !sample.hung && sample.latencyMs <= healthyMs) {
      window.healthy += 1;
    }
  }
  let steadyFrom = count;
  // A window with no request at all (a stalled event loop) is not healthy.
  while (steadyFrom > 0) {
    const window = windows[steadyFrom - 1] as { total: number; healthy: number };
    if (window.total === 0 || window.healthy < window.total * HEALTHY_SHARE) break;
    steadyFrom -= 1;
  }
  if ((count - steadyFrom) * WINDOW_MS < STEADY_MS) return null;
  return steadyFrom * WINDOW_MS;
}

function medianMs(samples: readonly LoadSample[]): number {
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0);
}

/** The healthy latency of a run: {@link HEALTHY_MS}, or twice the lead-in p99 if larger. */
export function healthyMsOf(leadIn: readonly LoadSample[]): number {
  const latencies = leadIn.map((s) => s.latencyMs).sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
  return Math.max(HEALTHY_MS, Math.round(2 * p99));
}
