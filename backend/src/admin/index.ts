export { AdminModule } from './admin.module.js';
export type { CacheAdminStats, CacheKeyReport, NameStatsWithRatio } from './cache-admin.service.js';
