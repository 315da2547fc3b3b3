import { TestCacheClock } from './test-cache.clock.js';

describe('TestCacheClock', () => {
  it('stands still until moved, and moves by exactly what it is told', () => {
    const clock = new TestCacheClock(1_000);
    expect(clock.now()).toBe(1_000);
    expect(clock.advance(250)).toBe(1_250);
    clock.set(5_000);
    expect(clock.now()).toBe(5_000);
  });

  it('starts at the real time by default', () => {
    const before = Date.now();
    const now = new TestCacheClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('never goes back, and refuses times that are not epoch milliseconds', () => {
    const clock = new TestCacheClock(1_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.set(999)).toThrow('never goes back');
    expect(() => new TestCacheClock(0)).toThrow(RangeError);
    expect(() => new TestCacheClock(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(1_000);
  });
});
