import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { InvalidConfigError, loadAppConfig } from './config/index.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp({ adapter: config.httpAdapter });
  // SIGTERM/SIGINT: readiness 503 and HTTP drain (SHUTDOWN_GRACE_MS), HTTP server closed,
  // workers and queues closed, Redis quit; then exit with code 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.port, '0.0.0.0');
  new Logger('Bootstrap').log(
    `listening on port ${config.port} (${config.httpAdapter}); cache namespace "${config.cache.keyPrefix}"`,
  );
}

void bootstrap();
