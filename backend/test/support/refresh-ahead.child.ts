/**
 * One process of the refresh-ahead fleet test: its own CacheService (memory tier on, defaults
 * otherwise) on the shared Redis, and `callers` concurrent callers reading one hot key through
 * `getOrSet` for a while. Driven over IPC (`ChildWorker`): `ready`, `warm`, `run`, `exit`.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createStandaloneCache, type LoaderContext } from 'nestjs-coherent-cache';

interface Request {
  id: number;
  type: 'ready' | 'warm' | 'run' | 'exit';
  key?: string;
  ttlSeconds?: number;
  durationMs?: number;
  callers?: number;
  pauseMs?: number;
}

/** One loader run, as the child saw it. */
export interface LoaderRun {
  process: number;
  startedAtMs: number;
  background: boolean;
  /** The value it returned: `<process>:<seq>`. */
  value: string;
}

/** What one `run` saw. */
export interface FleetRunReport {
  calls: number;
  /** Calls that found nothing usable and so waited for a loader (own, joined, or another process's). */
  waited: number;
  /** Calls that took longer than half a loader run. */
  slowCalls: number;
  maxCallMs: number;
  runs: LoaderRun[];
  /** Distinct values the callers got. */
  values: string[];
}

const LOADER_MS = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const processIndex = Number(process.env.FLEET_PROCESS ?? '0');
  const { cache, redis, close } = await createStandaloneCache(
    {
      connection: JSON.parse(process.env.FLEET_CONNECTION ?? '{}') as never,
      keyPrefix: process.env.FLEET_KEY_PREFIX ?? 'fleet',
      // Three Node processes and the test share two cores: a starved event loop must not turn a
      // healthy Redis into a failed read (the caller would then load alone).
      commandTimeoutMs: 2_000,
    },
    10_000,
  );
  const runs: LoaderRun[] = [];
  let seq = 0;
  const loader = async ({ background }: LoaderContext): Promise<string> => {
    const value = `${processIndex}:${(seq += 1)}`;
    runs.push({ process: processIndex, startedAtMs: Date.now(), background, value });
    await sleep(LOADER_MS);
    return value;
  };
  const reply = (id: number, body: unknown) => process.send?.({ id, reply: body });

  process.on('message', (message: Request) => {
    void (async () => {
      const key = message.key ?? 'hot';
      const options = { ttlSeconds: message.ttlSeconds ?? 2, name: 'hot' };
      switch (message.type) {
        case 'ready':
          reply(message.id, { ready: redis.isAvailable });
          return;
        case 'warm':
          reply(message.id, { value: await cache.getOrSet(key, loader, options) });
          return;
        case 'run': {
          runs.length = 0;
          const missesBefore = cache.getStats().byName.hot?.misses ?? 0;
          const endMs = Date.now() + (message.durationMs ?? 1_000);
          const values = new Set<string>();
          let calls = 0;
          let slowCalls = 0;
          let maxCallMs = 0;
          await Promise.all(
            Array.from({ length: message.callers ?? 1 }, async () => {
              while (Date.now() < endMs) {
                const startedMs = performance.now();
                values.add(await cache.getOrSet(key, loader, options));
                const callMs = performance.now() - startedMs;
                calls += 1;
                maxCallMs = Math.max(maxCallMs, callMs);
                if (callMs > LOADER_MS / 2) slowCalls += 1;
                await sleep(message.pauseMs ?? 5);
              }
            }),
          );
          const report: FleetRunReport = {
            calls,
            waited: (cache.getStats().byName.hot?.misses ?? 0) - missesBefore,
            slowCalls,
            maxCallMs,
            runs: [...runs],
            values: [...values],
          };
          reply(message.id, report);
          return;
        }
        case 'exit':
          await close();
          process.exit(0);
      }
    })();
  });
}

void main();
