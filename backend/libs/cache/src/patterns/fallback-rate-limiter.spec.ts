import { FallbackRateLimiter } from './fallback-rate-limiter.js';

describe('FallbackRateLimiter', () => {
  it('admits the limit within a sliding window and frees slots as requests age out', () => {
    const limiter = new FallbackRateLimiter(100);
    const at = (ms: number) => limiter.check('k', 3, 1_000, ms);
    expect([at(0), at(100), at(200), at(300)].map((r) => r.allowed)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(at(300)).toEqual({ allowed: false, remaining: 0, resetAt: 1_000 });
    // At 1,001 the request of time 0 has left the window: one slot, and only one.
    expect(at(1_001).allowed).toBe(true);
    expect(at(1_002).allowed).toBe(false);
    expect(limiter.check('other', 3, 1_000, 1_002)).toEqual({
      allowed: true,
      remaining: 2,
      resetAt: 2_002,
    });
  });

  it('tracks at most maxKeys keys, dropping the least recently used', () => {
    const limiter = new FallbackRateLimiter(2);
    limiter.check('a', 1, 1_000, 0);
    limiter.check('b', 1, 1_000, 0);
    limiter.check('a', 1, 1_000, 1);
    limiter.check('c', 1, 1_000, 2);
    expect(limiter.size).toBe(2);
    // 'b' was dropped, so it starts afresh; 'a' is still limited.
    expect(limiter.check('b', 1, 1_000, 3).allowed).toBe(true);
    expect(limiter.check('c', 1, 1_000, 3).allowed).toBe(false);
  });
});
