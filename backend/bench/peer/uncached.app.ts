import {
  Controller,
  Get,
  Module,
  Param,
  ParseIntPipe,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Product } from '../../src/demo/products/product.js';
import { productBody } from './product.body.js';

/**
 * The floor a cached route is measured against: `GET /products/:id` as a plain Nest route, no
 * interceptor and no cache, answering at once with the object the cached routes send (built
 * once per id, so the route's cost is Nest's and the platform's, serialisation included).
 */
function uncachedModule(): DynamicModule {
  const bodies = new Map<number, Product>();

  @Controller('products')
  class UncachedProductsController {
    @Get(':id')
    product(@Param('id', ParseIntPipe) id: number): Product {
      let body = bodies.get(id);
      if (body === undefined) {
        body = productBody(id, 1);
        bodies.set(id, body);
      }
      return body;
    }
  }

  @Module({})
  class UncachedAppModule {}

  return { module: UncachedAppModule, controllers: [UncachedProductsController] };
}

/** Builds the uncached app (not yet listening). */
export async function createUncachedApp({
  adapter = 'express',
}: { adapter?: 'express' | 'fastify' } = {}): Promise<INestApplication> {
  return NestFactory.create(
    uncachedModule(),
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false, abortOnError: false },
  );
}
