import { InvalidCacheOptionsError } from '../../errors/index.js';

/**
 * The in-process memory tier (L1) in front of Redis: `caching.memory`. It holds decoded entries,
 * so a hit costs neither a round trip nor a parse, and is kept coherent by Redis itself
 * (server-assisted client-side caching): a change to a key by any client drops it from every
 * process's memory tier within milliseconds.
 */
export interface MemoryTierOptions {
  /** `false` turns the memory tier off: every read goes to Redis. Default `true`. */
  enabled?: boolean;
  /** Most entries held, per process. Default 10,000. */
  maxEntries?: number;
  /**
   * Most bytes held, per process, counted as the length of the entries' stored text (an
   * approximation of their size in memory). Default 67,108,864 (64 MiB).
   */
  maxBytes?: number;
  /**
   * Longest an entry stays in memory, in seconds; never longer than its own fresh and stale life
   * in Redis. Default 60.
   */
  maxTtlSeconds?: number;
  /**
   * How long the memory tier may still serve what it holds after its invalidation link to Redis
   * went down (or before it is armed), in milliseconds. While the link is down no invalidation
   * arrives, so an entry may be stale for this long. Default 0: not at all (reads go to Redis).
   */
  maxStalenessMs?: number;
  /**
   * How callers are kept from changing what other callers get: `'freeze'` (default) deep-freezes
   * a value once when it enters the memory tier, so a hit costs nothing and a mutation throws
   * (`TypeError` in strict code); `'copy'` gives every hit its own deep copy. Values holding a
   * `Map`, `Set`, `Date` or typed array (which freezing cannot protect) are always copied.
   */
  isolation?: 'freeze' | 'copy';
  /**
   * Interval of the PING that checks the invalidation link, in milliseconds: a link that does
   * not answer within the command timeout is taken as down and reconnected. Default 1,000.
   */
  heartbeatIntervalMs?: number;
}

/** The memory-tier options with every default applied. */
export type ResolvedMemoryTierOptions = Required<MemoryTierOptions>;

const DEFAULTS: ResolvedMemoryTierOptions = {
  enabled: true,
  maxEntries: 10_000,
  maxBytes: 67_108_864,
  maxTtlSeconds: 60,
  maxStalenessMs: 0,
  isolation: 'freeze',
  heartbeatIntervalMs: 1_000,
};

/** Applies defaults and checks ranges. Throws `InvalidCacheOptionsError` naming the field. */
export function resolveMemoryTierOptions(
  options: MemoryTierOptions = {},
): ResolvedMemoryTierOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as MemoryTierOptions;
  const resolved: ResolvedMemoryTierOptions = { ...DEFAULTS, ...defined };
  if (typeof resolved.enabled !== 'boolean') {
    throw new InvalidCacheOptionsError('caching.memory.enabled', 'true or false');
  }
  for (const field of ['maxEntries', 'maxBytes', 'heartbeatIntervalMs'] as const) {
    const value = resolved[field];
    if (!Number.isInteger(value) || value <= 0) {
      throw new InvalidCacheOptionsError(`caching.memory.${field}`, 'a positive whole number');
    }
  }
  if (!(resolved.maxTtlSeconds > 0)) {
    throw new InvalidCacheOptionsError(
      'caching.memory.maxTtlSeconds',
      'a number of seconds above 0',
    );
  }
  if (!Number.isInteger(resolved.maxStalenessMs) || resolved.maxStalenessMs < 0) {
    throw new InvalidCacheOptionsError(
      'caching.memory.maxStalenessMs',
      'a whole number, 0 or more',
    );
  }
  if (resolved.isolation !== 'freeze' && resolved.isolation !== 'copy') {
    throw new InvalidCacheOptionsError('caching.memory.isolation', `'freeze' or 'copy'`);
  }
  return resolved;
}
