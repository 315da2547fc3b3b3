import type { RedisService } from '../connection/redis.service.js';
import { isFresh, type CacheEntry } from './cache-entry.js';
import type { CacheKeyspace } from './cache-keyspace.js';
import type { ResolvedCacheServiceOptions } from './cache-service.options.js';
import { CrossProcessLoad, type LoadOutcome } from './cross-process-load.js';
import { buildEntryBody, type EntryTiming } from './entry-body.js';
import { invalidationCovers, type Invalidation } from './invalidation.js';
import { KeyLock } from './key-lock.js';
import type { CacheEntryStore, LoadTicket } from './redis-entry.store.js';
import { SingleFlight } from './single-flight.js';
import { deepCopy } from './memory/value-isolation.js';

/** One load as `CacheService` asks for it. */
export interface LoadRequest<T> {
  key: string;
  /** The call's counter name, which its warnings are grouped by (unnamed calls: by key). */
  name?: string;
  loader: () => Promise<T> | T;
  tags: readonly string[];
  /** Timing of the entry to store; `null` when the value must not be stored (null results). */
  timing: (value: T) => EntryTiming | null;
  /** Whether the value may be stored and shared. */
  cacheable: (value: T) => boolean;
  useLock: boolean;
  /** The caller's start (`performance.now()`): a value confirmed before it may be shared with it. */
  startedAtMs: number;
}

/** How many times a caller starts over after the load it joined turned out to be outdated. */
const MAX_ATTEMPTS = 3;

/**
 * Runs loads so that every value a caller gets was loaded after the last invalidation of its key
 * that returned before the caller started, in any process:
 *
 * - a load records the versions of its key and tags in Redis before its loader runs, and stores
 *   its value only if they are unchanged (one script on Redis);
 * - concurrent callers in this process share one load (single-flight), but a caller takes the
 *   shared value only if the write that proved it current was sent after the caller started;
 *   otherwise it starts over (an invalidation may have come in between);
 * - across processes, the per-key lock makes one process load while the others wait for the
 *   value in Redis;
 * - an invalidation made in this process detaches the loads it covers, so later callers never
 *   join them.
 */
export class LoadCoordinator {
  private readonly flights = new SingleFlight<LoadOutcome, readonly string[]>();
  private readonly crossProcess: CrossProcessLoad;

  constructor(
    redis: RedisService,
    keyspace: CacheKeyspace,
    private readonly store: CacheEntryStore,
    private readonly options: ResolvedCacheServiceOptions,
    private readonly onUnstorable: (key: string, reason: string, name?: string) => void,
  ) {
    this.crossProcess = new CrossProcessLoad(
      redis,
      store,
      new KeyLock(redis, keyspace, options.lockTtlMs),
      options,
    );
  }

  /** Loads `request.key` for this caller, sharing the load where the contract allows. */
  async load<T>(request: LoadRequest<T>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const flight = this.flights.run(request.key, request.tags, async () => {
        const outcome = await this.crossProcess.run(request.key, () => this.loadAndStore(request), {
          useLock: request.useLock,
          waitForHolder: true,
        });
        // `waitForHolder: true` never gives `null`; keep the type honest anyway.
        return (
          outcome ?? {
            value: await this.callLoader(request.loader),
            confirmedAtMs: null,
            cacheable: false,
            inRedis: false,
          }
        );
      });
      const outcome = await flight.promise;
      if (!flight.joined) return outcome.value as T;
      if (outcome.confirmedAtMs !== null && request.startedAtMs <= outcome.confirmedAtMs) {
        // A copy of its own: the leader may change the loader's value, and so may each joiner.
        return deepCopy(outcome.value) as T;
      }
      if (!outcome.cacheable) break;
      // The value could not be proved current for this caller: start over (a new read, then a
      // new load if still needed), as if the load it joined had never existed.
      const found = await this.store.lookup<T>(request.key);
      if (found.failed) break;
      if (found.entry && isFresh(found.entry, this.options.clock.now())) return found.entry.value;
    }
    return this.callLoader(request.loader);
  }

  /**
   * Refreshes `request.key` in the background unless a load of it is running already in this
   * process (or, with the lock, in another). With `replacing` (a refresh ahead of expiry), the
   * load is skipped when the key no longer holds that entry: another process refreshed it first.
   * Returns whether a refresh started here.
   */
  refresh<T>(
    request: LoadRequest<T>,
    onError: (error: unknown) => void,
    replacing?: CacheEntry,
  ): boolean {
    if (this.flights.get(request.key)) return false;
    const flight = this.flights.run(request.key, request.tags, async () => {
      const outcome = await this.crossProcess.run(
        request.key,
        () => this.loadAndStore(request, false, replacing),
        { useLock: request.useLock, waitForHolder: false },
      );
      return outcome ?? { value: undefined, confirmedAtMs: null, cacheable: false, inRedis: false };
    });
    flight.promise.catch(onError);
    return true;
  }

  /**
   * Runs the loader now (no lock, no shared flight) and stores its value if no write or
   * invalidation of the key began meanwhile. Returns the value and whether it was stored.
   */
  async loadFresh<T>(request: LoadRequest<T>): Promise<{ value: T; stored: boolean }> {
    const outcome = await this.loadAndStore(request, true);
    return { value: outcome.value as T, stored: outcome.confirmedAtMs !== null };
  }

  /** Whether a load of `key` is running in this process (one that later callers would join). */
  isLoading(key: string): boolean {
    return this.flights.get(key) !== undefined;
  }

  /** Forgets the loads that `invalidation` covers: callers that come later start new ones. */
  detach(invalidation: Invalidation): void {
    this.flights.detach((key, tags) => invalidationCovers(invalidation, key, tags));
  }

  /** Runs a loader alone: nothing shared, nothing stored. */
  async callLoader<T>(loader: () => Promise<T> | T): Promise<T> {
    return loader();
  }

  /**
   * Records the versions, runs the loader, and stores the value if the versions are unchanged.
   * The returned outcome says from when the value is proved current (see {@link LoadOutcome}).
   */
  private async loadAndStore<T>(
    request: LoadRequest<T>,
    force = false,
    replacing?: CacheEntry,
  ): Promise<LoadOutcome> {
    const beganAtMs = performance.now();
    const ticket = await this.store.begin(request.key, request.tags, this.options.maxLoadMs);
    const current = ticket?.current;
    if (
      !force &&
      current &&
      isFresh(current, this.options.clock.now()) &&
      (replacing === undefined || !sameEntry(current, replacing))
    ) {
      // Another process stored it since our read: take it as a read.
      return {
        value: current.value,
        confirmedAtMs: beganAtMs,
        cacheable: true,
        inRedis: true,
      };
    }
    let stored = false;
    try {
      const outcome = await this.loadWithTicket(request, ticket, force);
      stored = outcome.stored;
      return outcome.outcome;
    } finally {
      if (ticket !== null && !stored) await this.store.abandon(request.key, ticket);
    }
  }

  private async loadWithTicket<T>(
    request: LoadRequest<T>,
    ticket: LoadTicket | null,
    force: boolean,
  ): Promise<{ outcome: LoadOutcome; stored: boolean }> {
    const loaderStartedMs = performance.now();
    const value = await this.callLoader(request.loader);
    const loadMs = performance.now() - loaderStartedMs;
    const unconfirmed = (cacheable: boolean) => ({
      outcome: { value, confirmedAtMs: null, cacheable, inRedis: false },
      stored: false,
    });
    if (!request.cacheable(value)) return unconfirmed(false);
    if (ticket === null) return unconfirmed(true);
    const timing = request.timing(value);
    if (timing === null) {
      if (force) return unconfirmed(true);
      // Not stored (a null result): shareable with those who started before a check proves it current.
      const checkedAtMs = performance.now();
      const current = await this.store.verify(request.key, ticket);
      return {
        outcome: {
          value,
          confirmedAtMs: current ? checkedAtMs : null,
          cacheable: true,
          inRedis: false,
        },
        stored: false,
      };
    }
    const built = buildEntryBody(
      value,
      ticket.tags,
      { ...timing, loadMs },
      this.options,
      this.options.clock.now(),
    );
    if (!built.ok) {
      this.onUnstorable(request.key, built.detail, request.name);
      return unconfirmed(false);
    }
    const sentAtMs = performance.now();
    const result = await this.store.commit(request.key, built.body, built.ttlMs, ticket);
    if (result !== 'stored') return unconfirmed(true);
    const confirmed = await this.store.confirm(ticket);
    return {
      outcome: {
        value,
        confirmedAtMs: confirmed ? sentAtMs : null,
        cacheable: true,
        inRedis: true,
      },
      stored: true,
    };
  }
}

/** Whether two reads of a key found the same write (entries carry no id: their times tell). */
function sameEntry(a: CacheEntry, b: CacheEntry): boolean {
  return a.storedAtMs === b.storedAtMs && a.freshUntilMs === b.freshUntilMs;
}
