import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SessionStoreUnavailableError } from 'nestjs-coherent-cache';

/**
 * The one place where "the session store is down" becomes an HTTP answer: 503 with
 * `Retry-After: 1`, never a 500 and never a fresh session.
 */
@Catch(SessionStoreUnavailableError)
export class SessionStoreUnavailableFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: SessionStoreUnavailableError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Retry-After', '1');
    httpAdapter.reply(
      response,
      { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: 'Session store unavailable' },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
