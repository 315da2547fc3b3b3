import { sleep } from '../../queue/deadline.js';

/** Longest simulated work a demo job may ask for, in milliseconds. */
export const MAX_WORK_MS = 30_000;

/** Waits `data.workMs` (capped), standing in for the real work of a demo job. */
export async function simulateWork(data: unknown, defaultMs: number): Promise<number> {
  const asked = (data as { workMs?: unknown } | null)?.workMs;
  const workMs =
    typeof asked === 'number' && Number.isFinite(asked) && asked >= 0
      ? Math.min(asked, MAX_WORK_MS)
      : defaultMs;
  await sleep(workMs);
  return workMs;
}
