import { settleWithin } from './soft-timeout.js';

const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('settleWithin', () => {
  it('gives the value or the error of a promise that settles in time', async () => {
    expect(await settleWithin(after(5, 'v'), 1_000)).toEqual({ state: 'fulfilled', value: 'v' });
    const error = new Error('boom');
    expect(await settleWithin(Promise.reject(error), 1_000)).toEqual({
      state: 'rejected',
      error,
    });
  });

  it('stops waiting after the timeout; a later rejection is handled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error('late')), 60),
      );
      const startedMs = performance.now();
      expect(await settleWithin(late, 20)).toEqual({ state: 'pending' });
      expect(performance.now() - startedMs).toBeLessThan(55);
      await after(80, undefined);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('does not wait at all with 0, and waits to the end with Infinity', async () => {
    expect(await settleWithin(Promise.resolve(1), 0)).toEqual({ state: 'pending' });
    expect(await settleWithin(after(30, 2), Number.POSITIVE_INFINITY)).toEqual({
      state: 'fulfilled',
      value: 2,
    });
  });
});
