import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('runs the work once for concurrent callers of one key, and frees the key after', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release: (value: number) => void = () => undefined;
    const work = () => {
      runs += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const first = flights.run('k', work);
    const second = flights.run('k', work);
    const other = flights.run('other', () => Promise.resolve(7));
    expect([first.joined, second.joined, other.joined]).toEqual([false, true, false]);
    release(42);
    expect(await Promise.all([first.promise, second.promise, other.promise])).toEqual([42, 42, 7]);
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
    expect(flights.run('k', () => Promise.resolve(1)).joined).toBe(false);
  });

  it('shares a failure with every caller and frees the key', async () => {
    const flights = new SingleFlight<number>();
    const a = flights.run('k', () => Promise.reject(new Error('boom')));
    const b = flights.run('k', () => Promise.resolve(1));
    await expect(a.promise).rejects.toThrow('boom');
    await expect(b.promise).rejects.toThrow('boom');
    expect(flights.get('k')).toBeUndefined();
  });
});
