import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  CommandWatch,
  measureWriteResume,
  printFailoverFigures,
  type FailoverFigures,
} from './failover-metrics.js';
import { startLoad, summarize, type LoadSummary } from './load-driver.js';
import { startHttpLoad } from './load-generator.js';
import { cacheReadWriteTarget, httpGetTarget } from './load-targets.js';
import type { RedisServer } from './redis-server.js';
import type { TestApp } from './test-app.js';
import { sleep } from './wait-for.js';

/** One failover to run under load. */
export interface FailoverScenario {
  title: string;
  /** The backend under test; its `RedisService` takes the cache load. */
  app: TestApp;
  /** Ports of every Redis node (their commands are replication, not the client's). */
  nodePorts: readonly number[];
  /** The master that the fault demotes or kills. */
  oldMaster: RedisServer;
  /** Injects the fault. */
  fault(): Promise<void>;
  /** Waits until the topology has a new master; returns it and when it was first seen. */
  waitForSwitch(): Promise<{ newMaster: RedisServer; seenAtMs: number }>;
  /** The fault kills the old master: it is restarted after the switch and then watched. */
  kills: boolean;
  /** Which Redis keys the new master should hold (default all). */
  inScope?: (redisKey: string) => boolean;
  /** Operations per second of each load. Default 200. */
  ratePerSecond?: number;
  /** HTTP path for the HTTP load, or `null` for none. Default: the cached `GET /products/:id`, over 50 ids. */
  httpPath?: ((index: number) => string) | null;
}

/** What a failover under load produced. */
export interface FailoverResult extends FailoverFigures {
  cache: LoadSummary;
  /** Cache operations on keys outside `inScope` (other shards) between the fault and the switch. */
  otherShards: LoadSummary | undefined;
  http: LoadSummary | undefined;
  failoverMs: number;
}

/** Load before the fault and after the switch, in ms. */
const LEAD_IN_MS = 1_500;
const AFTER_SWITCH_MS = 3_000;
/** The HTTP load cycles through `httpPath(0)` … `httpPath(49)`. */
const HTTP_PATH_INDEXES = Array.from({ length: 50 }, (_, i) => i);

/**
 * Runs cache get/set through the app's `RedisService` (and HTTP GETs against the app) at a
 * fixed rate, injects the fault, waits for the new master, keeps the load on for a few seconds,
 * then measures: exceptions, when writes resumed on the new master (checked there with
 * `redis-cli`), writes lost, and the client's commands on the old master after the switch.
 */
export async function runFailoverUnderLoad(scenario: FailoverScenario): Promise<FailoverResult> {
  const { app } = scenario;
  const rate = scenario.ratePerSecond ?? 200;
  const prefix = app.redis.namespace.prefix;
  let watch = scenario.kills
    ? undefined
    : await CommandWatch.start(scenario.oldMaster, prefix, scenario.nodePorts);
  await warmUp(scenario);
  const load = { ratePerSecond: rate, durationMs: 60_000 };
  const statsBefore = app.redis.getStats();
  const runId = Math.random().toString(36).slice(2, 8);
  const cacheRun = startLoad(cacheReadWriteTarget(app.redis, runId), load);
  const httpPath = httpPathOf(scenario);
  // HTTP load comes from another process: a client in the app's own process would add its own
  // queueing to the figures.
  const httpRun = httpPath
    ? startHttpLoad({ baseUrl: app.baseUrl, paths: HTTP_PATH_INDEXES.map(httpPath), ...load })
    : undefined;
  // The app serves from this process: a stalled event loop (GC, other work) shows here.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    await sleep(LEAD_IN_MS);
    const faultAtMs = Date.now();
    await scenario.fault();
    const { newMaster, seenAtMs } = await scenario.waitForSwitch();
    if (scenario.kills) {
      await scenario.oldMaster.restart();
      watch = await CommandWatch.start(scenario.oldMaster, prefix, scenario.nodePorts);
    }
    await sleep(AFTER_SWITCH_MS);
    cacheRun.stop();
    httpRun?.stop();
    const samples = await cacheRun.finished;
    const httpSamples = httpRun ? await httpRun.finished : undefined;
    const writes = await measureWriteResume(
      samples,
      faultAtMs,
      newMaster,
      (key) => app.redis.namespace.toRedisKey(key),
      scenario.inScope,
    );
    const http = httpSamples ? summarize(httpSamples) : undefined;
    loopDelay.disable();
    const { inScope } = scenario;
    const otherShards = inScope
      ? summarize(
          samples.filter((s) => !inScope(app.redis.namespace.toRedisKey(s.key ?? ''))),
          faultAtMs,
          seenAtMs,
        )
      : undefined;
    const statsAfter = app.redis.getStats();
    const extra: string[] = [
      `RedisService   timeouts ${statsAfter.timeouts - statsBefore.timeouts}, errors ${statsAfter.errors - statsBefore.errors}, short-circuited by the breaker ${statsAfter.shortCircuited - statsBefore.shortCircuited}, reconnect attempts ${statsAfter.reconnectAttempts - statsBefore.reconnectAttempts}`,
    ];
    extra.push(
      `event loop     delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms (the app's process, during the run)`,
    );
    if (otherShards) {
      extra.push(
        `other shards   ${otherShards.total} ops between fault and switch: ok ${otherShards.ok}, miss/dropped ${otherShards.notOk}, exceptions ${otherShards.threw}`,
      );
    }
    if (http) {
      extra.push(
        `http GET ${httpPath ? httpPath(0) : ''}  ${http.total} requests at ${http.ratePerSecond}/s: 2xx ${http.ok}, other status ${http.notOk}, errors ${http.threw}, hung ${http.hung}; p99 ${http.p99Ms} ms, max ${http.maxMs} ms`,
      );
    }
    const result: FailoverResult = {
      title: scenario.title,
      samples,
      faultAtMs,
      switchSeenAtMs: seenAtMs,
      failoverMs: seenAtMs - faultAtMs,
      writes,
      demotedAfterSwitch: watch?.after(seenAtMs) ?? [],
      cache: summarize(samples),
      http,
      otherShards,
      extra,
    };
    printFailoverFigures(result);
    return result;
  } finally {
    loopDelay.disable();
    cacheRun.stop();
    httpRun?.stop();
    watch?.stop();
  }
}

function httpPathOf(scenario: FailoverScenario): ((index: number) => string) | null {
  return scenario.httpPath === undefined ? (i) => `/products/${(i % 50) + 1}` : scenario.httpPath;
}

/** A few sequential calls first, so that cold start (JIT, first sockets) is not measured. */
async function warmUp(scenario: FailoverScenario): Promise<void> {
  const cache = cacheReadWriteTarget(scenario.app.redis, 'warm-up');
  const httpPath = httpPathOf(scenario);
  const http = httpPath ? httpGetTarget(scenario.app.baseUrl, httpPath) : undefined;
  for (let i = 0; i < 50; i += 1) {
    await cache(i);
    await http?.(i);
  }
}

/**
 * What every failover must show, on Sentinel and Cluster alike: no exception and no hung call
 * (a failed read is a miss, a failed write dropped), no HTTP error, writes landing on the new
 * master within the failover time plus 2 s, and no client commands on the demoted master more
 * than 1 s after the switch (calls in flight).
 */
export function expectCleanFailover(result: FailoverResult): void {
  expect(result.cache.total).toBeGreaterThan(800);
  expect(result.cache.threw).toBe(0);
  expect(result.cache.hung).toBe(0);
  expect(result.http?.threw).toBe(0);
  expect(result.http?.notOk).toBe(0);
  expect(result.writes.resumeAfterFaultMs).not.toBeNull();
  expect(result.writes.resumeAfterFaultMs as number).toBeLessThanOrEqual(result.failoverMs + 2_000);
  expect(result.demotedAfterSwitch.filter((c) => c.atMs > result.switchSeenAtMs + 1_000)).toEqual(
    [],
  );
}
