/** Node fires a longer timer at once: past it, wait for the promise. */
const MAX_TIMER_MS = 2_147_483_647;

/** How a promise stood when a caller stopped waiting for it. */
export type Settled<T> =
  { state: 'fulfilled'; value: T } | { state: 'rejected'; error: unknown } | { state: 'pending' };

/**
 * Waits for `promise` at most `timeoutMs` milliseconds: its value, its error, or `pending` when
 * the time ran out first (it goes on; its rejection is handled here, so it is never unhandled).
 * `0` (or less) does not wait at all; `Infinity` waits for it to settle.
 */
export function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  const settled = promise.then(
    (value): Settled<T> => ({ state: 'fulfilled', value }),
    (error: unknown): Settled<T> => ({ state: 'rejected', error }),
  );
  if (!(timeoutMs > 0)) return Promise.resolve({ state: 'pending' });
  if (timeoutMs > MAX_TIMER_MS) return settled;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), timeoutMs);
  });
  return Promise.race([settled, timedOut]).finally(() => clearTimeout(timer));
}
