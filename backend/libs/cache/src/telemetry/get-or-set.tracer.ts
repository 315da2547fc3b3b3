import {
  context,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { CacheLoader } from '../caching/get-or-set.options.js';
import { CacheAttributes, recordFailure, type GetOrSetOutcome } from './span.attributes.js';
import { cacheTracer, isTracingRegistered } from './tracing.scope.js';

/** What one traced `getOrSet` call reports while it runs. */
export interface GetOrSetTrace {
  /** Sets how the call answered (the last call wins), and whether the memory tier answered it. */
  outcome(outcome: Exclude<GetOrSetOutcome, 'error'>, memoryHit?: boolean): void;
  /** `loader`, run inside a `cache.load` span that is a child of this call's span. */
  loader<T>(loader: CacheLoader<T>): CacheLoader<T>;
}

/**
 * The spans of `getOrSet`: `cache.getOrSet` around the call, with a `cache.load` child around
 * each loader call it starts, so that the spans the loader makes (a database query) nest under
 * `cache.load`. Nothing is built when no SDK is registered.
 */
export class GetOrSetTracer {
  /** `redisConfigured`: whether `db.system` is set (not in memory-only mode). */
  constructor(private readonly redisConfigured: boolean) {}

  /** Whether spans are made now (an SDK is registered). Cheap: read it on every call. */
  get active(): boolean {
    return isTracingRegistered();
  }

  /**
   * Runs `run` inside a `cache.getOrSet` span (the active span while it runs) and ends the span
   * when the returned promise settles: outcome `error` and the error's type when it rejects.
   * `run` returns a promise (an async function): it never throws synchronously.
   */
  trace<T>(name: string, key: string, run: (trace: GetOrSetTrace) => Promise<T>): Promise<T> {
    const attributes: Attributes = {
      [CacheAttributes.name]: name,
      [CacheAttributes.keyLength]: key.length,
    };
    if (this.redisConfigured) attributes[CacheAttributes.dbSystem] = 'redis';
    return cacheTracer().startActiveSpan(
      'cache.getOrSet',
      { kind: SpanKind.INTERNAL, attributes },
      (span) => {
        const call = new TracedCall(span, context.active(), name);
        return run(call).then(
          (value) => {
            call.end();
            return value;
          },
          (error: unknown) => {
            call.fail(error);
            throw error;
          },
        );
      },
    );
  }
}

class TracedCall implements GetOrSetTrace {
  private answered: Exclude<GetOrSetOutcome, 'error'> = 'miss';
  private memoryHit = false;

  constructor(
    private readonly span: Span,
    private readonly parent: Context,
    private readonly name: string,
  ) {}

  outcome(outcome: Exclude<GetOrSetOutcome, 'error'>, memoryHit = false): void {
    this.answered = outcome;
    this.memoryHit = memoryHit;
  }

  loader<T>(loader: CacheLoader<T>): CacheLoader<T> {
    return (loaderContext) => {
      const attributes: Attributes = {
        [CacheAttributes.name]: this.name,
        [CacheAttributes.background]: loaderContext.background,
      };
      // The parent is this call's span whatever context the load runs in (a shared load, a
      // refresh in the background).
      const span = cacheTracer().startSpan('cache.load', { attributes }, this.parent);
      return context.with(trace.setSpan(this.parent, span), async () => {
        try {
          return await loader(loaderContext);
        } catch (error) {
          recordFailure(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
    };
  }

  end(): void {
    this.span.setAttribute(CacheAttributes.outcome, this.answered);
    this.span.setAttribute(CacheAttributes.memoryHit, this.memoryHit);
    this.span.end();
  }

  fail(error: unknown): void {
    this.span.setAttribute(CacheAttributes.outcome, 'error');
    this.span.setAttribute(CacheAttributes.memoryHit, false);
    recordFailure(this.span, error);
    this.span.end();
  }
}
