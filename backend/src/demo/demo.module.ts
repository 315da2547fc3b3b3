import { Module } from '@nestjs/common';
import { JobsModule } from './jobs/jobs.module.js';
import { LookupController } from './lookup/lookup.controller.js';
import { DemoAuthGuard } from './me/demo-auth.guard.js';
import { MeController } from './me/me.controller.js';
import { ProductsController } from './products/products.controller.js';
import { ProductsService } from './products/products.service.js';
import { SimulatedDb } from './shared/simulated-db.js';
import { VideosController } from './videos/videos.controller.js';
import { VideosService } from './videos/videos.service.js';

/**
 * The reference routes: products, the caller's profile, videos, jobs on each queue, and a
 * read-through lookup written directly on `RedisService`.
 */
@Module({
  imports: [JobsModule],
  controllers: [ProductsController, MeController, VideosController, LookupController],
  providers: [SimulatedDb, ProductsService, VideosService, DemoAuthGuard],
})
export class DemoModule {}
