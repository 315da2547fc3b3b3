import { join } from 'node:path';
import { startStandalone, type CacheTopology } from '../support/consistency/cache-topologies.js';
import { runCrossProcess } from '../support/consistency/cross-process.scenario.js';
import { replayOptions } from '../support/consistency/replay-options.js';
import { removeTranspiled, transpileForChildren } from '../support/child-process.js';

describe('consistency contract across 3 processes on a standalone Redis under faults', () => {
  let outDir: string;
  let topology: CacheTopology;

  beforeAll(async () => {
    outDir = await transpileForChildren();
    topology = await startStandalone(3);
  });

  afterAll(async () => {
    await topology?.stop();
    if (outDir) await removeTranspiled(outDir);
  });

  it('pauses, kills, client kills, link cuts and memory pressure: no stale read', async () => {
    const replay = replayOptions();
    const result = await runCrossProcess({
      topology,
      childScript: join(outDir, 'test', 'support', 'consistency', 'consistency.child.js'),
      faultMs: (replay.faultSeconds ?? 30) * 1_000,
      seed: replay.seed,
    });
    // The summary with δ observed, then each stale read the allowance excused.
    console.log([result.summary, result.staleWithinDelta].filter(Boolean).join('\n'));
    if (result.report.violations.length > 0) {
      throw new Error(
        `the consistency contract does not hold:\n${result.details}\n\nsame workload and faults (timing differs): CONSISTENCY_SEED=${result.seed} npm test -- standalone-faults.consistency`,
      );
    }
    expect(result.report.stats.reads).toBeGreaterThan(0);
    // Precision: keys nothing invalidated keep caching through the faults (91-96 % seen; an
    // invalidation that discarded every load in flight gave 74-80 % on the same seeds).
    const { quietHits, quietReads } = result.report.stats;
    expect(quietHits).toBeGreaterThanOrEqual(0.85 * quietReads);
    // A child that died (an unhandled rejection, say) is a failure of its own.
    expect(result.children.crashed).toEqual([]);
  }, 120_000);
});
