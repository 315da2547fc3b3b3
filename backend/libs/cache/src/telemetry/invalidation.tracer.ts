import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { Invalidation } from '../caching/invalidation.js';
import { CacheAttributes, recordFailure } from './span.attributes.js';
import { cacheTracer, isTracingRegistered } from './tracing.scope.js';

/** The public operation an invalidation span stands for. */
export type InvalidationOperation = 'del' | 'invalidateTags' | 'deleteByPrefix' | 'clear' | 'set';

/** How many keys or tags `invalidation` names: never the names themselves. */
function countOf(invalidation: Invalidation): number {
  switch (invalidation.kind) {
    case 'keys':
      return invalidation.keys.length;
    case 'tags':
      return invalidation.tags.length;
    case 'prefix':
      return 1;
    case 'all':
      return 0;
  }
}

/**
 * The `cache.invalidate` span of `del`, `invalidateTags`, `deleteByPrefix`, `clear` and `set`:
 * the operation, the kind of invalidation, how many keys or tags it names and how many entries
 * it deleted (for `set`, whether the value was stored). Never keys, tags or prefixes.
 */
export class InvalidationTracer {
  /** `redisConfigured`: whether `db.system` is set (not in memory-only mode). */
  constructor(private readonly redisConfigured: boolean) {}

  /** Runs `run` inside a `cache.invalidate` span, or as it is when no SDK is registered. */
  trace<R extends number | boolean>(
    operation: InvalidationOperation,
    invalidation: Invalidation,
    run: () => Promise<R>,
  ): Promise<R> {
    if (!isTracingRegistered()) return run();
    const attributes: Attributes = {
      [CacheAttributes.operation]: operation,
      [CacheAttributes.invalidationKind]: invalidation.kind,
      [CacheAttributes.invalidationCount]: countOf(invalidation),
    };
    if (this.redisConfigured) attributes[CacheAttributes.dbSystem] = 'redis';
    return cacheTracer().startActiveSpan(
      'cache.invalidate',
      { kind: SpanKind.INTERNAL, attributes },
      async (span) => {
        try {
          const result = await run();
          span.setAttribute(
            typeof result === 'number' ? CacheAttributes.deleted : CacheAttributes.stored,
            result,
          );
          return result;
        } catch (error) {
          recordFailure(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }
}
