import { SpanStatusCode, type Span } from '@opentelemetry/api';

/**
 * Attribute names of the cache's spans. No attribute ever holds a cached value, a key, a tag, a
 * prefix or an error message: keys and tags often carry user data (ids, e-mail addresses, query
 * strings), and even a hash of a short key can be reversed by trying candidates. A key is
 * described by its length only; an operation by the call `name` (chosen in code) and counts.
 */
export const CacheAttributes = {
  /** The call's `name` option (`default` when unnamed): chosen in code, never from a request. */
  name: 'cache.name',
  /** How `getOrSet` answered: see {@link GetOrSetOutcome}. */
  outcome: 'cache.outcome',
  /** Whether `getOrSet` was answered by the in-process memory tier. */
  memoryHit: 'cache.memory_hit',
  /** The key's length in UTF-16 code units (never the key). */
  keyLength: 'cache.key.length',
  /** `cache.load`: whether no caller waits for the loader (a background refresh). */
  background: 'cache.load.background',
  /** `cache.invalidate`: `del`, `invalidateTags`, `deleteByPrefix`, `clear` or `set`. */
  operation: 'cache.operation',
  /** `cache.invalidate`: what is removed, `keys`, `tags`, `prefix` or `all`. */
  invalidationKind: 'cache.invalidation.kind',
  /** `cache.invalidate`: how many keys or tags were named (1 for a prefix, 0 for `clear`). */
  invalidationCount: 'cache.invalidation.count',
  /** `cache.invalidate`: how many entries were deleted (`del`, `invalidateTags`, ...). */
  deleted: 'cache.invalidation.deleted',
  /** `cache.invalidate` of `set`: whether the value was stored. */
  stored: 'cache.stored',
  /** `redis <operation>`: how the bounded call ended (`ok`, `error`, `timeout`, ...). */
  redisOutcome: 'cache.redis.outcome',
  /** The database, `redis` (semantic conventions); absent in memory-only mode. */
  dbSystem: 'db.system',
  /** `redis <operation>`: the operation's short name (semantic conventions). */
  dbOperation: 'db.operation.name',
} as const;

/** How a `getOrSet` call answered, as the `cache.outcome` attribute says. */
export type GetOrSetOutcome = 'hit' | 'miss' | 'stale' | 'bypass' | 'error';

/** An identifier-like error name, else `Error`: a name is type information, never data. */
const SAFE_TYPE = /^[A-Za-z_$][\w$.]{0,63}$/;

/**
 * The type of `error` for `exception.type`: its class name when it is an `Error` whose class
 * name looks like an identifier, otherwise `Error` (or `thrown <typeof>` for a non-error).
 */
export function exceptionType(error: unknown): string {
  if (!(error instanceof Error)) return `thrown ${typeof error}`;
  const type = error.constructor.name;
  return SAFE_TYPE.test(type) ? type : 'Error';
}

/**
 * Records `error` on `span` and sets its status to ERROR, with its type only: never its message
 * or stack, which may quote a value, a key or a connection string.
 */
export function recordFailure(span: Span, error: unknown): void {
  const type = exceptionType(error);
  span.recordException({ name: type });
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}
