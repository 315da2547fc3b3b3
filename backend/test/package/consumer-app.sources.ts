/**
 * The files of the consumer application that `consumer-app.package.spec.ts` creates: a Nest 12
 * application as `nest new` lays it out, in ES modules, that uses the packed
 * `nestjs-coherent-cache` through its public entry points only.
 */

/** Versions of the root `package.json` for the consumer's own dependencies. */
export interface ConsumerVersions {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** What the consumer's routes and spec are checked against. */
export const CONSUMER_THROTTLE_LIMIT = 3;

export function consumerFiles(options: {
  tarball: string;
  versions: ConsumerVersions;
  redisUrl: string;
  keyPrefix: string;
}): Record<string, string> {
  const { tarball, versions, redisUrl, keyPrefix } = options;
  const packageJson = {
    name: 'consumer-app',
    version: '0.0.1',
    private: true,
    type: 'module',
    scripts: {
      build: 'tsc -p tsconfig.json',
      start: 'node dist/main.js',
      test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js',
    },
    dependencies: {
      'nestjs-coherent-cache': `file:${tarball}`,
      ...versions.dependencies,
    },
    devDependencies: versions.devDependencies,
  };
  const tsconfig = {
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2023',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      declaration: false,
      sourceMap: true,
      outDir: './dist',
      rootDir: './src',
      // As `nest new` sets it; ioredis 6's own declarations import the untyped 'redis-errors'.
      skipLibCheck: true,
      isolatedModules: true,
      types: ['node', 'jest'],
    },
    include: ['src'],
  };

  return {
    'package.json': JSON.stringify(packageJson, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(tsconfig, null, 2) + '\n',
    'jest.config.js': `export default {
  testEnvironment: 'node',
  rootDir: 'src',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
  transform: { '^.+\\\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/*.spec.ts'],
};
`,
    'src/main.ts': `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log('listening');
}

void bootstrap();
`,
    'src/app.module.ts': `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { CacheModule } from 'nestjs-coherent-cache';
import { RedisHealthModule } from 'nestjs-coherent-cache/health';
import { RedisThrottlerStorage } from 'nestjs-coherent-cache/throttler';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

@Module({
  imports: [
    CacheModule.forRoot({ connection: '${redisUrl}', keyPrefix: '${keyPrefix}' }),
    RedisHealthModule.forRoot(),
    ThrottlerModule.forRootAsync({
      inject: [RedisThrottlerStorage],
      useFactory: (storage: RedisThrottlerStorage) => ({
        throttlers: [{ ttl: 60_000, limit: 1_000 }],
        storage,
      }),
    }),
  ],
  controllers: [AppController],
  providers: [AppService, { provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class AppModule {}
`,
    'src/app.service.ts': `import { Injectable } from '@nestjs/common';
import { Cacheable } from 'nestjs-coherent-cache';

export interface Quote {
  sku: string;
  cents: number;
}

@Injectable()
export class AppService {
  private calls = 0;

  /** How many times the body of {@link quote} ran. */
  get quoteCalls(): number {
    return this.calls;
  }

  @Cacheable({ ttlSeconds: 60 })
  async quote(sku: string): Promise<Quote> {
    this.calls += 1;
    return { sku, cents: 1_250 };
  }
}
`,
    'src/app.controller.ts': `import { Controller, Get, Param } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import { CacheService, Cacheable, RedisService } from 'nestjs-coherent-cache';
import { AppService, type Quote } from './app.service.js';

@Controller()
export class AppController {
  constructor(
    private readonly service: AppService,
    private readonly redis: RedisService,
    private readonly cache: CacheService,
  ) {}

  @Get('products/:id')
  @Cacheable(60)
  product(@Param('id') id: string): { id: string; renderedAt: number } {
    return { id, renderedAt: Date.now() };
  }

  @Get('quotes/:sku')
  async quote(@Param('sku') sku: string): Promise<{ quote: Quote; calls: number }> {
    const quote = await this.service.quote(sku);
    return { quote, calls: this.service.quoteCalls };
  }

  @Get('visits')
  async visits(): Promise<{ visits: number | null; greeting: string }> {
    const visits = await this.redis.incr('visits', 60);
    const greeting = await this.cache.getOrSet('greeting', async () => 'hello', {
      ttlSeconds: 60,
    });
    return { visits, greeting };
  }

  @Get('limited')
  @Throttle({ default: { limit: ${CONSUMER_THROTTLE_LIMIT}, ttl: 60_000 } })
  limited(): { ok: true } {
    return { ok: true };
  }
}
`,
    'src/app.service.spec.ts': `import { Test } from '@nestjs/testing';
import { CacheTestingModule, cacheStatsOf } from 'nestjs-coherent-cache/testing';
import { AppService } from './app.service.js';

describe('AppService', () => {
  it('runs the body of quote once for two calls, without Redis', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheTestingModule.forRoot()],
      providers: [AppService],
    }).compile();
    await moduleRef.init();
    const service = moduleRef.get(AppService);

    expect(await service.quote('a')).toEqual({ sku: 'a', cents: 1_250 });
    expect(await service.quote('a')).toEqual({ sku: 'a', cents: 1_250 });
    expect(service.quoteCalls).toBe(1);
    expect(cacheStatsOf(moduleRef, 'AppService.quote')).toMatchObject({ hits: 1, misses: 1 });
    await moduleRef.close();
  });
});
`,
  };
}
