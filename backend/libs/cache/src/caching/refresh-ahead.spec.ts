import fc from 'fast-check';
import { refreshAheadDue } from './refresh-ahead.js';

describe('refreshAheadDue (XFetch)', () => {
  const expiry = 10_000;

  it('refreshes when now - delta * beta * ln(random) reaches the expiry', () => {
    const entry = { freshUntilMs: expiry, loadMs: 100 };
    // ln(0.5) * 100 = -69.3 ms: due from 69 ms before expiry, not at 70.
    expect(refreshAheadDue(entry, expiry - 69, 1, () => 0.5)).toBe(true);
    expect(refreshAheadDue(entry, expiry - 70, 1, () => 0.5)).toBe(false);
    // beta 2 doubles the span.
    expect(refreshAheadDue(entry, expiry - 138, 2, () => 0.5)).toBe(true);
    expect(refreshAheadDue(entry, expiry - 140, 2, () => 0.5)).toBe(false);
  });

  it('never refreshes an entry without a loader duration, nor with beta 0', () => {
    expect(refreshAheadDue({ freshUntilMs: expiry }, expiry - 1, 1, () => 0)).toBe(false);
    expect(refreshAheadDue({ freshUntilMs: expiry, loadMs: 50 }, expiry - 1, 0, () => 0)).toBe(
      false,
    );
  });

  it('is certain past expiry, impossible far from it, and rises in between', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.double({ min: 0.1, max: 4, noNaN: true }),
        fc.double({ min: Number.EPSILON, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (loadMs, beta, random, a, b) => {
          const entry = { freshUntilMs: expiry, loadMs };
          const due = (nowMs: number) => refreshAheadDue(entry, nowMs, beta, () => random);
          expect(due(expiry)).toBe(true);
          expect(due(expiry - Math.max(1, loadMs) * beta * 41)).toBe(false);
          // Monotonic: once due at some moment, due at every later one (same draw).
          const [early, late] = a <= b ? [a, b] : [b, a];
          if (due(early)) expect(due(late)).toBe(true);
        },
      ),
    );
  });

  it('refreshes a hit with probability e^(-remaining / (delta * beta))', () => {
    // A seeded generator keeps the draw reproducible.
    let state = 42;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return (state + 1) / (2 ** 31 + 1);
    };
    const entry = { freshUntilMs: expiry, loadMs: 50 };
    for (const remainingMs of [25, 50, 100, 200]) {
      let due = 0;
      const draws = 20_000;
      for (let i = 0; i < draws; i += 1) {
        if (refreshAheadDue(entry, expiry - remainingMs, 1, random)) due += 1;
      }
      const expected = Math.exp(-remainingMs / 50);
      expect(Math.abs(due / draws - expected)).toBeLessThan(0.02);
    }
  });
});
