/**
 * The `nestjs-coherent-cache/health` entry: a Terminus health indicator for the cache's Redis.
 * It loads `@nestjs/terminus`, which the main entry never does: install Terminus to use it.
 */
export { RedisHealthIndicator, type RedisHealthCheckOptions } from './redis-health.indicator.js';
