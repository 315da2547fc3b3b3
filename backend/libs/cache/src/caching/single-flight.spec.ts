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
    const first = flights.run('k', undefined, work);
    const second = flights.run('k', undefined, work);
    const other = flights.run('other', undefined, () => Promise.resolve(7));
    expect([first.joined, second.joined, other.joined]).toEqual([false, true, false]);
    release(42);
    expect(await Promise.all([first.promise, second.promise, other.promise])).toEqual([42, 42, 7]);
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
    expect(flights.run('k', undefined, () => Promise.resolve(1)).joined).toBe(false);
  });

  it('shares a failure with every caller and frees the key', async () => {
    const flights = new SingleFlight<number>();
    const a = flights.run('k', undefined, () => Promise.reject(new Error('boom')));
    const b = flights.run('k', undefined, () => Promise.resolve(1));
    await expect(a.promise).rejects.toThrow('boom');
    await expect(b.promise).rejects.toThrow('boom');
    expect(flights.get('k')).toBeUndefined();
  });

  it('detaches work: its callers keep waiting on it, the next caller starts new work', async () => {
    const flights = new SingleFlight<number, string>();
    let release: (value: number) => void = () => undefined;
    const old = flights.run('k', 'tag-a', () => new Promise<number>((r) => (release = r)));
    expect(flights.detach((_key, tag) => tag === 'tag-b')).toBe(0);
    expect(flights.detach((_key, tag) => tag === 'tag-a')).toBe(1);
    const fresh = flights.run('k', 'tag-a', () => Promise.resolve(2));
    expect(fresh.joined).toBe(false);
    release(1);
    expect(await old.promise).toBe(1);
    expect(await fresh.promise).toBe(2);
    expect(flights.size).toBe(0);
  });
});
