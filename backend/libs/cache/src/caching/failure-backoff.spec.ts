import { FailureBackoff } from './failure-backoff.js';

describe('FailureBackoff', () => {
  const entry = { value: 'old', storedAtMs: 1_000, freshUntilMs: 2_000, staleUntilMs: 9_000 };

  it('holds the entry the failure was seen with, for the back-off period only', () => {
    const backoff = new FailureBackoff();
    backoff.record('k', entry, 5_000, 3_000);
    expect(backoff.holds('k', entry, 5_001)).toBe(true);
    expect(backoff.holds('k', entry, 7_999)).toBe(true);
    expect(backoff.holds('other', entry, 6_000)).toBe(false);
    expect(backoff.holds('k', entry, 8_000)).toBe(false);
    // The expired record is gone.
    expect(backoff.size).toBe(0);
  });

  it('never holds back a newer value of the key', () => {
    const backoff = new FailureBackoff();
    backoff.record('k', entry, 5_000, 3_000);
    const newer = { ...entry, storedAtMs: 5_500, freshUntilMs: 6_500 };
    expect(backoff.holds('k', newer, 6_000)).toBe(false);
  });

  it('records nothing with a back-off of 0', () => {
    const backoff = new FailureBackoff();
    backoff.record('k', entry, 5_000, 0);
    expect(backoff.holds('k', entry, 5_000)).toBe(false);
    expect(backoff.size).toBe(0);
  });

  it('stays bounded, forgetting the oldest keys first', () => {
    const backoff = new FailureBackoff();
    for (let i = 0; i < 10_050; i += 1) backoff.record(`k${i}`, entry, 5_000, 60_000);
    expect(backoff.size).toBe(10_000);
    expect(backoff.holds('k0', entry, 5_001)).toBe(false);
    expect(backoff.holds('k10049', entry, 5_001)).toBe(true);
  });
});
