import { clockMs, type FaultRecord } from './history.model.js';

/** A fault: `inject` applies it, waits for as long as it lasts, undoes it, and describes it. */
export interface Fault {
  name: string;
  /** How often it is picked relative to the others. */
  weight: number;
  inject(random: () => number): Promise<string>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A random duration in [minMs, maxMs), in whole ms. */
export function between(random: () => number, minMs: number, maxMs: number): number {
  return Math.round(minMs + random() * (maxMs - minMs));
}

/**
 * Injects random faults one after another (100–800 ms apart) for a while, and records each as
 * a {@link FaultRecord} (process `-1`, the parent). A fault that throws is recorded as failed
 * and the run goes on.
 */
export class FaultInjector {
  readonly records: FaultRecord[] = [];
  readonly counts = new Map<string, number>();
  private next = 1;

  constructor(
    private readonly faults: readonly Fault[],
    private readonly random: () => number,
  ) {}

  /** Runs faults for `durationMs`; `midpoint`, when given, runs once half-way. */
  async run(durationMs: number, midpoint?: Fault): Promise<void> {
    const startMs = Date.now();
    let midpointDone = midpoint === undefined;
    while (Date.now() - startMs < durationMs) {
      if (!midpointDone && Date.now() - startMs >= durationMs / 2 && midpoint) {
        midpointDone = true;
        await this.apply(midpoint);
      } else {
        const fault = this.pick();
        if (fault) await this.apply(fault);
      }
      await sleep(between(this.random, 100, 800));
    }
    if (!midpointDone && midpoint) await this.apply(midpoint);
  }

  private pick(): Fault | undefined {
    const total = this.faults.reduce((sum, f) => sum + f.weight, 0);
    let point = this.random() * total;
    for (const fault of this.faults) {
      point -= fault.weight;
      if (point < 0) return fault;
    }
    return this.faults[this.faults.length - 1];
  }

  private async apply(fault: Fault): Promise<void> {
    const record: FaultRecord = {
      type: 'fault',
      id: `f:${this.next}`,
      process: -1,
      description: fault.name,
      startMs: clockMs(),
      endMs: null,
    };
    this.next += 1;
    try {
      record.description = await fault.inject(this.random);
    } catch (error) {
      record.description = `${fault.name} (failed: ${error instanceof Error ? error.message : String(error)})`;
    }
    record.endMs = clockMs();
    this.records.push(record);
    this.counts.set(fault.name, (this.counts.get(fault.name) ?? 0) + 1);
  }
}
