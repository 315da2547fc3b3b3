import { Module, type DynamicModule } from '@nestjs/common';
import { CacheModule } from 'nestjs-coherent-cache';
import { cacheModuleOptions } from './cache.config.js';
import { APP_CONFIG, AppConfigModule, type AppConfig } from './config/index.js';
import { DemoPatternsModule } from './demo-patterns/index.js';
import { AdminModule } from './admin/index.js';
import { DemoModule } from './demo/index.js';
import { HealthModule } from './health/index.js';
import { HomeController } from './home/home.controller.js';
import { MetricsModule } from './metrics/index.js';
import { QueueModule } from './queue/index.js';
import { queueModuleOptions } from './queue.config.js';

/** Options of the reference backend's root module. */
export interface AppModuleOptions {
  /** Variables that take precedence over the process environment (tests use this). */
  env?: Record<string, string>;
  /** Whether to read `.env` from the working directory (default `true`). */
  readEnvFile?: boolean;
}

/** The reference backend: wiring only. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(options.env ?? {}, options.readEnvFile ?? true),
        CacheModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => cacheModuleOptions(config),
        }),
        QueueModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => queueModuleOptions(config),
        }),
        HealthModule,
        MetricsModule,
        DemoPatternsModule,
        DemoModule,
        AdminModule,
      ],
      controllers: [HomeController],
    };
  }
}
