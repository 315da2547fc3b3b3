import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import { CacheAttributes, recordFailure } from './span.attributes.js';
import { cacheTracer, isTracingRegistered } from './tracing.scope.js';

/** How a bounded Redis call ended (mirrors the executor's `RedisCallOutcome`). */
export type RedisSpanOutcome = 'ok' | 'error' | 'timeout' | 'unavailable' | 'late_write';

/**
 * The `redis <operation>` spans of the bounded executor: the operation's short name and how the
 * call ended; never its key or arguments. A span is made only inside a recording span (a
 * `getOrSet`, an invalidation, the application's own request span): the module's background
 * work (heartbeats, the memory tier's link, retries) would otherwise fill traces with roots.
 */
export class RedisCallTracer {
  /** A span for a call to `operation` starting now, or `undefined` when none is wanted. */
  start(operation: string): Span | undefined {
    if (!isTracingRegistered()) return undefined;
    const parent = context.active();
    if (trace.getSpan(parent)?.isRecording() !== true) return undefined;
    return cacheTracer().startSpan(
      `redis ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [CacheAttributes.dbSystem]: 'redis',
          [CacheAttributes.dbOperation]: operation,
        },
      },
      parent,
    );
  }

  /** Ends `span` with the call's outcome (and the error's type, never its message). */
  end(span: Span, outcome: RedisSpanOutcome, error?: unknown): void {
    span.setAttribute(CacheAttributes.redisOutcome, outcome);
    if (outcome !== 'ok') recordFailure(span, error);
    span.end();
  }
}
