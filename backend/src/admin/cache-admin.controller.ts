import {
  Body,
  Controller,
  UseFilters,
  DefaultValuePipe,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { CacheInvalidationFilter, HttpExchange, NoCache } from 'nestjs-coherent-cache';
import { ZodBodyPipe } from '../common/index.js';
import { CacheAdminGuard } from './cache-admin.guard.js';
import { invalidateSchema, type InvalidateRequest } from './cache-admin.schemas.js';
import { CacheAdminService } from './cache-admin.service.js';

/**
 * Cache management, guarded by `CACHE_ADMIN_TOKEN` (404 while unset):
 * `GET /cache/stats`, `GET /cache/health`, `GET /cache/keys?prefix=`, `GET /cache/keys/:key`,
 * `DELETE /cache/keys/:key`, `DELETE /cache/tags/:tag`, `POST /cache/invalidate`
 * (`{ keys, tags, prefix }`) and `DELETE /cache` (every cache entry; sessions, rate limits,
 * locks and counters are not cache and are untouched).
 */
@Controller('cache')
@UseFilters(CacheInvalidationFilter)
@UseGuards(CacheAdminGuard)
@NoCache()
export class CacheAdminController {
  constructor(private readonly admin: CacheAdminService) {}

  @Get('stats')
  stats() {
    return this.admin.stats();
  }

  @Get('health')
  async health(@Res({ passthrough: true }) response: unknown) {
    const health = await this.admin.health();
    if (!health.healthy) HttpExchange.forResponse(response).status = 503;
    return health;
  }

  @Get('keys')
  listKeys(
    @Query('prefix', new DefaultValuePipe('')) prefix: string,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
  ) {
    return this.admin.listKeys(prefix, Math.min(Math.max(limit, 1), 1000));
  }

  @Get('keys/:key')
  describe(@Param('key') key: string) {
    return this.admin.describe(key);
  }

  @Delete('keys/:key')
  async deleteKey(@Param('key') key: string) {
    return { deleted: (await this.admin.invalidate({ keys: [key] })).keys };
  }

  @Delete('tags/:tag')
  async invalidateTag(@Param('tag') tag: string) {
    return { deleted: (await this.admin.invalidate({ tags: [tag] })).tags };
  }

  @Post('invalidate')
  @HttpCode(200)
  async invalidate(@Body(new ZodBodyPipe(invalidateSchema)) request: InvalidateRequest) {
    return { deleted: await this.admin.invalidate(request) };
  }

  @Delete()
  async clear() {
    return { deleted: { prefix: await this.admin.clear() } };
  }
}
