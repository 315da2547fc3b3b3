import { InvalidCacheOptionsError } from '../errors/index.js';
import { resolvePatternsOptions } from './patterns.options.js';

describe('resolvePatternsOptions', () => {
  it('applies defaults bounded by the command timeout', () => {
    expect(resolvePatternsOptions({}, 300)).toEqual({
      sessionTtlSeconds: 86_400,
      sessionTimeoutMs: 200,
      rateLimitDecisionTimeoutMs: 150,
      rateLimitFailClosed: false,
      rateLimitFallbackMaxKeys: 10_000,
      warmConcurrency: 8,
      pubSubMaxChannels: 1_000,
    });
    expect(resolvePatternsOptions({}, 100)).toMatchObject({
      sessionTimeoutMs: 100,
      rateLimitDecisionTimeoutMs: 100,
    });
  });

  it('names the field that is not a positive whole number', () => {
    expect(() => resolvePatternsOptions({ warmConcurrency: 0 }, 300)).toThrow(
      InvalidCacheOptionsError,
    );
    expect(() => resolvePatternsOptions({ sessionTtlSeconds: 1.5 }, 300)).toThrow(
      /patterns\.sessionTtlSeconds/,
    );
    for (const pubSubMaxChannels of [0, -1, 2.5, Number.NaN]) {
      expect(() => resolvePatternsOptions({ pubSubMaxChannels }, 300)).toThrow(
        /patterns\.pubSubMaxChannels/,
      );
    }
    expect(resolvePatternsOptions({ pubSubMaxChannels: 5 }, 300).pubSubMaxChannels).toBe(5);
  });
});
