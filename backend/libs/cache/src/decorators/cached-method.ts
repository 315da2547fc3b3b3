import type { Logger } from '@nestjs/common';
import { defer, from, isObservable, type Observable } from 'rxjs';
import type { CacheService } from '../caching/cache.service.js';
import type { GetOrSetOptions } from '../caching/get-or-set.options.js';
import { callUnless, callWith, resolveOption } from './cache-decorator.options.js';
import type { CacheMethodMetadata } from './cache-metadata.accessor.js';
import { runDecoratedCall } from './cache-flow.js';
import { defaultMethodKey, hiddenArgumentWarning, methodKeyPrefix } from './method-key.js';
import { asObservable, singleValue, type MethodResultKind } from './method-result.js';

/** A method as declared on its class. */
export type AnyMethod = (...args: unknown[]) => unknown;

/** One decorated method of one provider instance. */
export interface CachedMethodTarget {
  instance: object;
  className: string;
  methodName: string;
  original: AnyMethod;
  meta: CacheMethodMetadata;
  /** What the method returns, as startup knows it (`unknown`: learned on the first call). */
  resultKind: MethodResultKind;
}

/** What one call does with the cache. */
interface CallPlan {
  /** The entry the call reads and writes; `undefined`: the call does not use the cache. */
  entryKey: string | undefined;
}

const NO_ENTRY: CallPlan = { entryKey: undefined };

/**
 * Runs one decorated service method through the decorated flow (`runDecoratedCall`) and
 * `CacheService.getOrSet`.
 *
 * A method that returns an Observable gets back a cold Observable that runs the flow when
 * subscribed: the method's Observable must emit one value and complete (that value is what is
 * cached), otherwise the caller's Observable errors with `UncacheableObservableError`. Any other
 * method gets back a Promise. What a method returns is known at startup from `design:returntype`
 * or, when the compiler did not emit it, learned from the first call (which therefore runs the
 * method before reading the cache).
 *
 * A call whose default key cannot be computed, because an argument hides its state, bypasses the
 * cache; the first such call of the method logs one warning that names the argument's type.
 */
export class CachedMethod {
  private resultKind: MethodResultKind;
  private readonly label: string;
  private readonly allEntriesPrefix: string;
  private warnedOfHiddenArgument = false;

  constructor(
    private readonly cache: CacheService,
    private readonly logger: Logger,
    private readonly target: CachedMethodTarget,
  ) {
    this.resultKind = target.resultKind;
    this.label = `${target.className}.${target.methodName}`;
    this.allEntriesPrefix = methodKeyPrefix(target.className);
  }

  /** Calls the method with `args`; returns an Observable or a Promise (see the class). */
  call(args: unknown[]): unknown {
    switch (this.resultKind) {
      case 'observable':
        return this.observableCall(args, () => this.runOriginal(args));
      case 'other':
        return this.flow(args, () => this.runOriginal(args));
      case 'unknown':
        return this.firstCall(args);
    }
  }

  /** Runs the method once to see what it returns, and uses that result for this call. */
  private firstCall(args: unknown[]): unknown {
    let result: unknown;
    try {
      result = this.runOriginal(args);
    } catch (error) {
      return this.flow(args, () => {
        throw error;
      });
    }
    if (isObservable(result)) {
      this.resultKind = 'observable';
      return this.observableCall(args, () => result);
    }
    this.resultKind = 'other';
    // On a hit the result is not used: its rejection must not go unhandled.
    if (isThenable(result)) Promise.resolve(result).catch(() => undefined);
    return this.flow(args, () => result);
  }

  private observableCall(args: unknown[], source: () => unknown): Observable<unknown> {
    const { meta } = this.target;
    return defer(() => {
      const plan = this.plan(args);
      if (plan.entryKey === undefined && !meta.evict && !meta.put) return asObservable(source());
      return from(this.flow(args, () => singleValue(source(), this.label), plan));
    });
  }

  /** The decorated flow of one call; `load` runs (or reuses) the method's result. */
  private async flow(args: unknown[], load: () => unknown, plan?: CallPlan): Promise<unknown> {
    const { entryKey } = plan ?? this.plan(args);
    const cache = this.cache;
    return runDecoratedCall(cache, this.target.meta, {
      args,
      allEntriesPrefix: this.allEntriesPrefix,
      invoke: () =>
        entryKey === undefined
          ? Promise.resolve(load())
          : cache.getOrSet(entryKey, load, this.getOrSetOptions(args)),
      succeeded: () => true,
      put: async (result, putKey, options) => {
        if (putKey !== undefined) await cache.set(putKey, result, options);
      },
    });
  }

  /** Which entry this call uses, if any. */
  private plan(args: unknown[]): CallPlan {
    const cacheable = this.target.meta.cacheable;
    if (!cacheable) return NO_ENTRY;
    if (cacheable.condition && !callWith(cacheable.condition, args)) return NO_ENTRY;
    const customKey = resolveOption(cacheable.key, args);
    if (customKey !== undefined) return { entryKey: customKey };
    const result = defaultMethodKey(this.target.className, this.target.methodName, args);
    if ('key' in result) return { entryKey: result.key };
    if (!this.warnedOfHiddenArgument) {
      this.warnedOfHiddenArgument = true;
      this.logger.warn(hiddenArgumentWarning(this.label, result.hidden, result.argumentIndex));
    }
    return NO_ENTRY;
  }

  private getOrSetOptions(args: unknown[]): GetOrSetOptions {
    const cacheable = this.target.meta.cacheable ?? {};
    return {
      name: cacheable.name ?? this.label,
      ttlSeconds: cacheable.ttlSeconds,
      tags: resolveOption(cacheable.tags, args) ?? [],
      staleWhileRevalidateSeconds: cacheable.staleWhileRevalidateSeconds,
      graceSeconds: cacheable.graceSeconds,
      refreshAheadBeta: cacheable.refreshAheadBeta,
      cacheNullTtlSeconds: cacheable.cacheNullTtlSeconds,
      lock: cacheable.lock,
      memory: cacheable.memory,
      cacheIf: (value) => !callUnless(cacheable.unless, value, args),
    };
  }

  private runOriginal(args: unknown[]): unknown {
    return this.target.original.apply(this.target.instance, args);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
