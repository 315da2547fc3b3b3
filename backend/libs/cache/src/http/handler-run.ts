import type { CallHandler } from '@nestjs/common';
import { lastValueFrom, tap } from 'rxjs';
import { HeaderReads } from './header-reads.js';
import type { HeaderValues, HttpExchange } from './http-exchange.js';

/** What a handler did while the cache watched it run. */
export interface HandlerRun {
  /** Its result (the last value, for an Observable). */
  body: unknown;
  /** How many values its Observable emitted (1 for a plain value). */
  emissions: number;
  /** Response headers just before it ran, and just after. */
  headersBefore: Record<string, HeaderValues>;
  headersAfter: Record<string, HeaderValues>;
  /** The request headers it read. */
  reads: HeaderReads;
}

/**
 * Runs the handler (the rest of the interceptor chain) and records what decides whether its
 * response may be stored: the headers it set, the request headers it read, how many values it
 * emitted. Its errors propagate.
 */
export async function runHandler(exchange: HttpExchange, next: CallHandler): Promise<HandlerRun> {
  const headersBefore = exchange.responseHeaders();
  const reads = HeaderReads.watch(exchange.request);
  let emissions = 0;
  let body: unknown;
  try {
    body = await lastValueFrom(next.handle().pipe(tap(() => (emissions += 1))), {
      defaultValue: undefined,
    });
  } finally {
    reads.stop();
  }
  return { body, emissions, headersBefore, headersAfter: exchange.responseHeaders(), reads };
}
