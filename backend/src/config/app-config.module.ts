import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_CONFIG } from './app-config.constants.js';
import type { AppConfig } from './app-config.js';
import { loadAppConfig } from './load-app-config.js';

/** The key under which the validated config is kept in `ConfigService`. */
const CONFIG_KEY = 'app';

/**
 * Reads `.env` and the environment once with `@nestjs/config`, validates them into an
 * `AppConfig` and provides it (global) as `APP_CONFIG`. An invalid variable stops startup.
 */
@Module({})
export class AppConfigModule {
  /**
   * @param overrides variables that take precedence over the environment and `.env`.
   * @param readEnvFile whether to read `.env` from the working directory (default `true`).
   */
  static forRoot(overrides: Record<string, string> = {}, readEnvFile = true): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          cache: true,
          ignoreEnvFile: !readEnvFile,
          validate: (env: Record<string, unknown>) => ({
            [CONFIG_KEY]: loadAppConfig({ ...(env as Record<string, string>), ...overrides }),
          }),
        }),
      ],
      providers: [
        {
          provide: APP_CONFIG,
          inject: [ConfigService],
          useFactory: (config: ConfigService): AppConfig =>
            config.getOrThrow<AppConfig>(CONFIG_KEY),
        },
      ],
      exports: [APP_CONFIG],
    };
  }
}
