import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CacheInvalidationError } from '../errors/index.js';

/**
 * Answers `CacheInvalidationError` with 503 and `Retry-After: 1`: the change may have been made,
 * but the cache could not be told, so the route must not report success while other processes
 * may still serve the old value (the invalidation is retried in the background). Register it on
 * controllers that invalidate through `CacheService` (`@UseFilters`) or globally
 * (`APP_FILTER`); routes with `@CacheEvict`/`@CachePut` answer 503 without it.
 */
@Catch(CacheInvalidationError)
export class CacheInvalidationFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: CacheInvalidationError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Retry-After', '1');
    httpAdapter.reply(
      response,
      {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'The cache could not be updated; retry shortly',
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
