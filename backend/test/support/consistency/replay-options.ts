/** Settings of a consistency run taken from the environment (to replay or lengthen one). */
export interface ReplayOptions {
  /** `CONSISTENCY_SEED`: fast-check's seed (in process) or the workload seed (children). */
  seed?: number;
  /** `CONSISTENCY_PATH`: fast-check's path of a counterexample, with its seed. */
  path?: string;
  /** `CONSISTENCY_RUNS`: interleavings of an in-process run. */
  runs?: number;
  /** `CONSISTENCY_FAULT_SECONDS`: how long a cross-process run injects faults. */
  faultSeconds?: number;
}

function numberVariable(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${text}`);
  return value;
}

/** Reads `CONSISTENCY_SEED`, `CONSISTENCY_PATH`, `CONSISTENCY_RUNS`, `CONSISTENCY_FAULT_SECONDS`. */
export function replayOptions(): ReplayOptions {
  const path = process.env.CONSISTENCY_PATH;
  return {
    seed: numberVariable('CONSISTENCY_SEED'),
    path: path === undefined || path === '' ? undefined : path,
    runs: numberVariable('CONSISTENCY_RUNS'),
    faultSeconds: numberVariable('CONSISTENCY_FAULT_SECONDS'),
  };
}
