/** What one call of a caller loop observed. */
export interface CallRecord {
  op: 'get' | 'set';
  key: string;
  startedAtMs: number;
  durationMs: number;
  /** For `set`: whether the write was reported stored. For `get`: whether it hit. */
  ok: boolean;
}

/** Summary of a run of concurrent callers. */
export interface CallersReport {
  records: CallRecord[];
  exceptions: unknown[];
}

/**
 * Runs `concurrency` callers, each looping `step(callerIndex, sequence)` with a pause between
 * steps, until `stop()` is called. Exceptions are collected, never thrown.
 */
export function runCallers(
  concurrency: number,
  step: (caller: number, sequence: number, record: (r: CallRecord) => void) => Promise<void>,
  pauseMs = 10,
): { stop: () => Promise<CallersReport> } {
  const records: CallRecord[] = [];
  const exceptions: unknown[] = [];
  let running = true;
  const loops = Array.from({ length: concurrency }, async (_, caller) => {
    let sequence = 0;
    while (running) {
      try {
        await step(caller, sequence, (r) => records.push(r));
      } catch (error) {
        exceptions.push(error);
      }
      sequence += 1;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { records, exceptions };
    },
  };
}

/** The value at percentile `p` (0 to 100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}
