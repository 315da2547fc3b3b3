import {
  HttpException,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RateLimitUnavailableError } from '../errors/index.js';
import { RATE_LIMIT_METADATA } from './patterns.constants.js';
import { RateLimiterService } from './rate-limiter.service.js';
import type { RateLimitOptions, RateLimitRequest, RateLimitResult } from './rate-limit.types.js';

/** A response whose headers can be set (Express `res.header` and Fastify `reply.header`). */
interface HeaderWriter {
  header(name: string, value: string): unknown;
}

function isHeaderWriter(value: unknown): value is HeaderWriter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { header?: unknown }).header === 'function'
  );
}

/**
 * Applies `@RateLimit` options: sets the IETF `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds) headers on every answer, and refuses with 429 and `Retry-After`
 * over the limit, or with 503 and `Retry-After: 1` when a fail-closed limit cannot be decided.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiterService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.getAllAndOverride<RateLimitOptions | undefined>(
      RATE_LIMIT_METADATA,
      [context.getHandler(), context.getClass()],
    );
    if (!options) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<RateLimitRequest>();
    const response: unknown = http.getResponse();
    const key = this.buildKey(context, request, options);
    let result: RateLimitResult;
    try {
      const checkOptions: { failClosed?: boolean; fallbackLimit?: number } = {};
      if (options.failClosed !== undefined) checkOptions.failClosed = options.failClosed;
      if (options.fallbackLimit !== undefined) checkOptions.fallbackLimit = options.fallbackLimit;
      result = await this.limiter.check(key, options.limit, options.windowSeconds, checkOptions);
    } catch (error) {
      if (!(error instanceof RateLimitUnavailableError)) throw error;
      setHeader(response, 'Retry-After', '1');
      throw new HttpException(
        { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: 'Rate limit cannot be checked' },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const resetSeconds = Math.max(0, Math.ceil((result.resetAt - Date.now()) / 1000));
    setHeader(response, 'RateLimit-Limit', String(result.limit));
    setHeader(response, 'RateLimit-Remaining', String(result.remaining));
    setHeader(response, 'RateLimit-Reset', String(resetSeconds));
    if (result.allowed) return true;
    setHeader(response, 'Retry-After', String(Math.max(1, resetSeconds)));
    throw new HttpException(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, message: 'Too Many Requests' },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** The limiter key of a request; override to key by something else. */
  protected buildKey(
    context: ExecutionContext,
    request: RateLimitRequest,
    options: RateLimitOptions,
  ): string {
    if (typeof options.key === 'function') return options.key(request);
    const client = request.ip ?? 'unknown';
    const bucket = options.key ?? `${context.getClass().name}.${context.getHandler().name}`;
    return `${bucket}:${client}`;
  }
}

function setHeader(response: unknown, name: string, value: string): void {
  if (isHeaderWriter(response)) response.header(name, value);
}
