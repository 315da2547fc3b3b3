import { join } from 'node:path';
import { startSentinel, type CacheTopology } from '../support/consistency/cache-topologies.js';
import { runCrossProcess } from '../support/consistency/cross-process.scenario.js';
import { replayOptions } from '../support/consistency/replay-options.js';
import { removeTranspiled, transpileForChildren } from '../support/child-process.js';

describe('consistency contract across 3 processes on Sentinel, a Sentinel failover in the middle', () => {
  let outDir: string;
  let topology: CacheTopology;

  beforeAll(async () => {
    outDir = await transpileForChildren();
    topology = await startSentinel();
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
    if (outDir) await removeTranspiled(outDir);
  });

  it('SENTINEL FAILOVER, master pauses and client kills: no stale read', async () => {
    const replay = replayOptions();
    const result = await runCrossProcess({
      topology,
      childScript: join(outDir, 'test', 'support', 'consistency', 'consistency.child.js'),
      faultMs: (replay.faultSeconds ?? 20) * 1_000,
      seed: replay.seed,
    });
    // The summary with δ observed, then each stale read the allowance excused.
    console.log([result.summary, result.staleWithinDelta].filter(Boolean).join('\n'));
    if (result.report.violations.length > 0) {
      throw new Error(
        `the consistency contract does not hold:\n${result.details}\n\nsame workload and faults (timing differs): CONSISTENCY_SEED=${result.seed} npm test -- sentinel-failover.consistency`,
      );
    }
    expect(result.report.stats.reads).toBeGreaterThan(0);
    // A child that died (an unhandled rejection, say) is a failure of its own.
    expect(result.children.crashed).toEqual([]);
  }, 150_000);
});
