import { type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { closeConnectionsWhileDraining } from './health/index.js';
import type { HttpAdapterName } from './config/index.js';

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** Variables that take precedence over the process environment. */
  env?: Record<string, string>;
  /** HTTP platform; default Express. */
  adapter?: HttpAdapterName;
  /** Whether to read `.env` from the working directory (default `true`). */
  readEnvFile?: boolean;
  /** Log levels, or `false` for none. */
  logger?: LogLevel[] | false;
}

/** Builds the reference backend (not yet listening). Used by `main.ts` and by the tests. */
export async function createApp(options: CreateAppOptions = {}): Promise<INestApplication> {
  const adapter = options.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(
    AppModule.forRoot({ env: options.env ?? {}, readEnvFile: options.readEnvFile ?? true }),
    adapter,
    {
      abortOnError: false,
      logger: options.logger ?? ['log', 'warn', 'error'],
    },
  );
  closeConnectionsWhileDraining(app);
  return app;
}
