/**
 * The consistency soak: runs the cross-process scenario again and again (standalone Redis under
 * faults by default) for a number of minutes and prints one summary line per round, and the
 * violations with their history when there are any. Exits with 1 if any round found one.
 *
 *   npm run soak:consistency -- --minutes 30 [--topology standalone|sentinel|cluster|all]
 *     [--round-seconds 60] [--seed N]
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startCluster,
  startSentinel,
  startStandalone,
  type CacheTopology,
} from './cache-topologies.js';
import { runCrossProcess } from './cross-process.scenario.js';
import { mergeDelta, type DeltaReport } from './history.checker.js';
import { deltaText } from './history.format.js';

const TOPOLOGIES = {
  standalone: () => startStandalone(3),
  sentinel: startSentinel,
  cluster: startCluster,
} as const;

type TopologyName = keyof typeof TOPOLOGIES;

interface SoakArguments {
  minutes: number;
  topologies: TopologyName[];
  roundSeconds: number;
  seed: number | undefined;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function positive(name: string, fallback: number): number {
  const text = argument(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--${name} takes a positive number, got ${text}`);
  return value;
}

function parseArguments(): SoakArguments {
  const topology = argument('topology') ?? 'standalone';
  const names = Object.keys(TOPOLOGIES) as TopologyName[];
  const topologies = topology === 'all' ? names : names.filter((name) => name === topology);
  if (topologies.length === 0) {
    throw new Error(`--topology takes one of ${names.join(', ')} or all, got ${topology}`);
  }
  const seedText = argument('seed');
  return {
    minutes: positive('minutes', 10),
    topologies,
    roundSeconds: positive('round-seconds', 60),
    seed: seedText === undefined ? undefined : Number(seedText),
  };
}

async function main(): Promise<void> {
  const args = parseArguments();
  const childScript = join(import.meta.dirname, 'consistency.child.js');
  const deadlineMs = Date.now() + args.minutes * 60_000;
  let round = 0;
  let failedRounds = 0;
  let delta: DeltaReport | undefined;
  process.stdout.write(
    `consistency soak: ${args.minutes} min, ${args.topologies.join('/')}, rounds of ${args.roundSeconds} s of faults\n`,
  );
  while (Date.now() < deadlineMs) {
    const name = args.topologies[round % args.topologies.length] as TopologyName;
    round += 1;
    const remainingMs = deadlineMs - Date.now();
    const faultMs = Math.max(5_000, Math.min(args.roundSeconds * 1_000, remainingMs - 5_000));
    const topology: CacheTopology = await TOPOLOGIES[name]();
    try {
      const result = await runCrossProcess({
        topology,
        childScript,
        faultMs,
        seed: args.seed === undefined ? undefined : args.seed + round,
      });
      process.stdout.write(`round ${round} ${result.summary}\n`);
      if (result.staleWithinDelta) process.stdout.write(`${result.staleWithinDelta}\n`);
      const historyOut = process.env.CONSISTENCY_HISTORY_OUT;
      if (historyOut) {
        const file = `${historyOut}.round${round}.json`;
        await writeFile(file, JSON.stringify(result.records));
        process.stdout.write(`history of round ${round}: ${file}\n`);
      }
      delta = delta ? mergeDelta(delta, result.report.delta) : result.report.delta;
      if (result.report.violations.length > 0) {
        failedRounds += 1;
        process.stdout.write(`${result.details}\n`);
      }
    } finally {
      await topology.stop();
    }
  }
  const observed = delta ? `; over all rounds ${deltaText(delta)}` : '';
  process.stdout.write(
    `consistency soak: ${round} round(s), ${failedRounds} with violations${observed}\n`,
  );
  process.exit(failedRounds > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `consistency soak failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(2);
});
