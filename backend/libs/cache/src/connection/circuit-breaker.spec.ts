import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const breaker = new CircuitBreaker(3, 1_000, () => Promise.resolve(false));
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.timesOpened).toBe(1);
    breaker.dispose();
  });

  it('closes when a background probe succeeds', async () => {
    let healthy = false;
    const changes: BreakerState[] = [];
    const breaker = new CircuitBreaker(
      1,
      20,
      () => Promise.resolve(healthy),
      (s) => changes.push(s),
    );
    breaker.recordFailure();
    expect(breaker.isOpen).toBe(true);
    await new Promise((r) => setTimeout(r, 70));
    expect(breaker.isOpen).toBe(true);
    healthy = true;
    await new Promise((r) => setTimeout(r, 70));
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'closed']);
    breaker.dispose();
  });

  it('survives a probe that throws', async () => {
    const breaker = new CircuitBreaker(1, 10, () => Promise.reject(new Error('down')));
    breaker.recordFailure();
    await new Promise((r) => setTimeout(r, 50));
    expect(breaker.isOpen).toBe(true);
    breaker.dispose();
  });
});
