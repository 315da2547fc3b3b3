export type { AppConfig, HttpAdapterName } from './app-config.js';
export { APP_CONFIG, InjectAppConfig } from './app-config.constants.js';
export { AppConfigModule } from './app-config.module.js';
export { loadAppConfig } from './load-app-config.js';
export { InvalidConfigError, type ConfigProblem } from './invalid-config.error.js';
