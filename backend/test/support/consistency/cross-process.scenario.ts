import { productConnection } from '../product-user.js';
import { RedisServer } from '../redis-server.js';
import type { CacheTopology } from './cache-topologies.js';
import type { ChildConfig } from './child.protocol.js';
import { ConsistencyChildren, type ChildrenOutcome } from './consistency-children.js';
import { FaultInjector } from './fault-injector.js';
import { checkHistory, type CheckReport } from './history.checker.js';
import { formatStaleReads, formatViolations, summaryLine } from './history.format.js';
import type { HistoryRecord } from './history.model.js';
import { seededRandom } from './random-workload.js';
import type { RowLayout } from './workload.layout.js';

/**
 * δ, in ms: the allowance between an invalidation returning in one process (or a raw client's
 * write) and a read starting in another (invalidation messages in flight to the other memory
 * tier), `CONSISTENCY_DELTA_MS`. Default 25: the message latency measured on loopback is
 * p50 ≈ 0.5 ms, p99 ≈ 4-12 ms with three busy children on two cores (`memory-tier.e2e`,
 * `npm run bench -- memory-tier`). Each run prints the δ it observed beside it.
 */
const MEMORY_TIER_DELTA_MS = Number(process.env.CONSISTENCY_DELTA_MS ?? 25);

/** `CONSISTENCY_RAW_WRITES=0`: no writes by plain Redis clients (on by default). */
const RAW_WRITES = process.env.CONSISTENCY_RAW_WRITES !== '0';

/** Options of {@link runCrossProcess}. */
export interface CrossProcessOptions {
  topology: CacheTopology;
  /** The compiled `consistency.child.js`. */
  childScript: string;
  /** How long faults are injected, in ms. */
  faultMs: number;
  /** Healthy time after the faults, before the children stop, in ms. Default 1,500. */
  calmMs?: number;
  /** Seed of the fault choices; child i uses `seed + 1 + i`. Default: random. */
  seed?: number;
  processes?: number;
}

/** What a cross-process run found. */
export interface CrossProcessResult {
  seed: number;
  report: CheckReport;
  records: HistoryRecord[];
  children: ChildrenOutcome;
  /** `[consistency <topology>] ops=… violations=N, δ observed … (faults) memory tiers …` */
  summary: string;
  /** The violations with the history around the first one ('' when none). */
  details: string;
  /** The stale reads the allowance excused, one a line ('' when none). */
  staleWithinDelta: string;
}

/** Rows 0–11 in groups g0–g3; g3 (rows 3, 7, 11) is never written. */
const LAYOUT: RowLayout = { rows: 12, groups: 4 };

/** The database Redis: never evicts, open to every client whatever the run's ACL mode. */
const DATABASE_ARGS = [
  ...['--maxmemory-policy', 'noeviction'],
  ...['--user', 'default', 'on', 'nopass', '~*', '&*', '+@all'],
];

/**
 * Runs 3 child processes (each its own CacheService and connection) against `topology` and a
 * shared database Redis, injects the topology's faults for `faultMs`, lets them run healthy for
 * `calmMs`, stops them and checks their merged history.
 */
export async function runCrossProcess(options: CrossProcessOptions): Promise<CrossProcessResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const processes = options.processes ?? 3;
  const random = seededRandom(seed);
  const tag = Math.random().toString(36).slice(2, 8);
  const keyPrefix = `xc${tag}`;
  const database = await RedisServer.start({ args: DATABASE_ARGS });
  let children: ConsistencyChildren | undefined;
  try {
    const configs: ChildConfig[] = [];
    for (let process = 0; process < processes; process += 1) {
      configs.push({
        process,
        processes,
        connection: await productConnection(options.topology.connectionFor(process), keyPrefix),
        ...(RAW_WRITES
          ? {
              rawConnection: await productConnection(
                options.topology.rawConnectionFor(process),
                keyPrefix,
              ),
            }
          : {}),
        keyPrefix,
        dbUrl: database.url,
        dbPrefix: `db${tag}`,
        layout: LAYOUT,
        seed: seed + 1 + process,
        workers: 6,
        ttlSeconds: 60,
        thinkMs: 10,
      });
    }
    children = await ConsistencyChildren.start(options.childScript, configs);
    const injector = new FaultInjector(options.topology.faults, random);
    await sleep(500);
    await injector.run(options.faultMs, options.topology.midpoint);
    await options.topology.heal();
    await sleep(options.calmMs ?? 1_500);
    const outcome = await children.stop(15_000);
    const records = [...children.records, ...injector.records];
    // The memory tier is on in every child: another process learns of an invalidation (and every
    // process of a raw client's write) through Redis's invalidation message, so a read must be
    // fresh once it starts δ after it returned.
    const report = checkHistory(records, { crossProcessMarginMs: MEMORY_TIER_DELTA_MS });
    const faults = [...injector.counts].map(([name, count]) => `${name}:${count}`).join(',');
    const summary = summaryLine(options.topology.label, report, {
      seed,
      processes,
      faults: injector.records.length,
      ...(outcome.abandoned > 0 ? { abandoned: outcome.abandoned } : {}),
      ...(outcome.crashed.length > 0 ? { crashed: outcome.crashed.join(',') } : {}),
    });
    return {
      seed,
      report,
      records,
      children: outcome,
      summary: `${summary} (${faults || 'no faults'}) ${memoryText(outcome)}`,
      details: formatViolations(report, records),
      staleWithinDelta: formatStaleReads(report.delta, records),
    };
  } finally {
    await children?.kill();
    await database.stop();
  }
}

/** `memory tiers tracking,tracking,tracking` (each child's mechanism at the end), or `off`. */
function memoryText(outcome: ChildrenOutcome): string {
  if (outcome.memory.length === 0) return 'memory tiers unknown';
  if (outcome.memory.every((m) => !m.enabled)) return 'memory tiers off';
  return `memory tiers ${outcome.memory.map((m) => (m.enabled ? m.mechanism : 'off')).join(',')}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
