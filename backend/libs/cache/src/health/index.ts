/**
 * The `nestjs-coherent-cache/health` entry: Redis health checks on `@nestjs/terminus`, which the
 * main entry never loads: install Terminus to use it.
 */
export { RedisHealthIndicator, type RedisHealthCheckOptions } from './redis-health.indicator.js';
export { RedisHealthModule, type RedisHealthModuleOptions } from './redis-health.module.js';
