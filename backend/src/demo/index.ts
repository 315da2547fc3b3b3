export { DemoModule } from './demo.module.js';
export { DEMO_TOKENS, type DemoUser } from './me/demo-users.js';
export { VIDEO_CACHE_TTL_SECONDS } from './videos/videos.service.js';
export { PRODUCT_COUNT } from './products/products.service.js';
export { SimulatedDb, type ReadStamp } from './shared/simulated-db.js';
