import type { InvalidationKind } from './history.model.js';
import type { Pacer, WorkloadStep } from './workload.actor.js';
import { hotRows, type RowLayout } from './workload.layout.js';

/** A seeded generator of numbers in [0, 1) (mulberry32): a child's choices follow its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Real time: a loader answers 0–50 ms after its read, one in ten 100–400 ms after it; a writer
 * invalidates 0–5 ms after its database write.
 */
export class RealTimePacer implements Pacer {
  constructor(private readonly random: () => number) {}

  beforeStart(): Promise<void> {
    return Promise.resolve();
  }

  loaderAnswer(): Promise<void> {
    const slow = this.random() < 0.1;
    return sleep(slow ? 100 + this.random() * 300 : this.random() * 50);
  }

  beforeInvalidation(): Promise<void> {
    return sleep(this.random() * 5);
  }

  blockedOn<T>(promise: Promise<T>): Promise<T> {
    return promise;
  }
}

/** Invalidations a writer picks, with weights (`clear` is rare: it touches every key). */
const INVALIDATION_WEIGHTS: [InvalidationKind, number][] = [
  ['del', 30],
  ['set', 20],
  ['tag', 20],
  ['groupTag', 10],
  ['prefix', 10],
  ['clear', 2],
];

/** With a raw Redis client: also `DEL`/`UNLINK` and `SET` of entry keys outside the cache. */
const WITH_RAW_WEIGHTS: [InvalidationKind, number][] = [
  ...INVALIDATION_WEIGHTS,
  ['rawDel', 10],
  ['rawSet', 10],
];

/**
 * The next operation of one process: two reads in three (`getOrSet` four times in five), else
 * a write of one of the rows this process owns (rows are split among processes so that each
 * row has one writer, whose writes take turns). With `rawWrites`, some writes invalidate by a
 * plain Redis client instead of the cache.
 */
export function randomStep(
  random: () => number,
  layout: RowLayout,
  process: number,
  processes: number,
  rawWrites = false,
): WorkloadStep {
  const owned = hotRows(layout).filter((row) => row % processes === process);
  if (random() < 2 / 3 || owned.length === 0) {
    return {
      type: 'read',
      via: random() < 0.8 ? 'getOrSet' : 'get',
      process,
      row: Math.floor(random() * layout.rows),
    };
  }
  return {
    type: 'write',
    process,
    row: owned[Math.floor(random() * owned.length)] as number,
    invalidation: pickWeighted(random, rawWrites ? WITH_RAW_WEIGHTS : INVALIDATION_WEIGHTS),
  };
}

function pickWeighted<T>(random: () => number, choices: readonly [T, number][]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let point = random() * total;
  for (const [choice, weight] of choices) {
    point -= weight;
    if (point < 0) return choice;
  }
  return (choices[choices.length - 1] as [T, number])[0];
}
