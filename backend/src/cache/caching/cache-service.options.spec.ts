import { InvalidCacheOptionsError } from '../errors/index.js';
import { resolveCacheServiceOptions } from './cache-service.options.js';

describe('resolveCacheServiceOptions', () => {
  it('applies the defaults', () => {
    expect(resolveCacheServiceOptions()).toMatchObject({
      jitterRatio: 0.1,
      lock: true,
      maxValueBytes: 1_048_576,
      staleWhileRevalidateSeconds: 0,
      graceSeconds: 0,
    });
  });

  it.each([
    [{ jitterRatio: 1 }, 'caching.jitterRatio'],
    [{ jitterRatio: -0.1 }, 'caching.jitterRatio'],
    [{ lockWaitMs: 0 }, 'caching.lockWaitMs'],
    [{ maxValueBytes: 1.5 }, 'caching.maxValueBytes'],
    [{ graceSeconds: -1 }, 'caching.graceSeconds'],
  ])('refuses %j, naming the field', (options, field) => {
    expect(() => resolveCacheServiceOptions(options)).toThrow(InvalidCacheOptionsError);
    expect(() => resolveCacheServiceOptions(options)).toThrow(field);
  });
});
