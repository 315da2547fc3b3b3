import { Controller, Get } from '@nestjs/common';
import { RateLimit, NoCache } from 'nestjs-coherent-cache';

/** Rate-limited routes of the reference backend. */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('limited')
export class LimitedController {
  /** 5 requests per client IP in any 10 s; fails open to a per-process limit when Redis is down. */
  @Get()
  @RateLimit({ limit: 5, windowSeconds: 10 })
  open(): { ok: true } {
    return { ok: true };
  }

  /** The same limit, but refused with 503 when Redis cannot decide. */
  @Get('strict')
  @RateLimit({ limit: 5, windowSeconds: 10, failClosed: true })
  strict(): { ok: true } {
    return { ok: true };
  }
}
