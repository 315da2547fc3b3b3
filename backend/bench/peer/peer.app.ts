import KeyvRedis from '@keyv/redis';
import { CacheInterceptor, CacheModule as PeerCacheModule, CacheTTL } from '@nestjs/cache-manager';
import {
  Controller,
  Get,
  Module,
  Param,
  ParseIntPipe,
  UseInterceptors,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Keyv } from 'keyv';
import type { Product } from '../../src/demo/products/product.js';
import { productBody } from './product.body.js';

/** Counts handler runs of the peer app, as `loadSeq` does in the reference backend. */
export const peerHandlerCalls = { count: 0 };

/**
 * What NestJS users run today: `@nestjs/cache-manager`'s interceptor over `cache-manager` and
 * `@keyv/redis`, on a route identical to the reference backend's `GET /products/:id` (same
 * parameter pipe, same body, read counted after the simulated database wait as there).
 */
function peerModule(redis: string | KeyvRedis<unknown>, dbLatencyMs: number): DynamicModule {
  @Controller('products')
  class PeerProductsController {
    @Get(':id')
    @UseInterceptors(CacheInterceptor)
    @CacheTTL(60_000)
    async product(@Param('id', ParseIntPipe) id: number): Promise<Product> {
      await new Promise((resolve) => setTimeout(resolve, dbLatencyMs));
      peerHandlerCalls.count += 1;
      return productBody(id, peerHandlerCalls.count);
    }
  }

  @Module({})
  class PeerAppModule {}

  return {
    module: PeerAppModule,
    imports: [
      PeerCacheModule.register({
        stores: [
          new Keyv({
            store: typeof redis === 'string' ? new KeyvRedis(redis) : redis,
            namespace: 'peer',
          }),
        ],
      }),
    ],
    controllers: [PeerProductsController],
  };
}

/** Builds the peer app (not yet listening), on a Redis URL or a ready-made `@keyv/redis` store. */
export async function createPeerApp(
  redis: string | KeyvRedis<unknown>,
  {
    dbLatencyMs = 20,
    adapter = 'express',
  }: { dbLatencyMs?: number; adapter?: 'express' | 'fastify' } = {},
): Promise<INestApplication> {
  return NestFactory.create(
    peerModule(redis, dbLatencyMs),
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false, abortOnError: false },
  );
}
