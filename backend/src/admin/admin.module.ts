import { Module } from '@nestjs/common';
import { CacheAdminController } from './cache-admin.controller.js';
import { CacheAdminGuard } from './cache-admin.guard.js';
import { CacheAdminService } from './cache-admin.service.js';

/** The `/cache` management endpoints. */
@Module({
  controllers: [CacheAdminController],
  providers: [CacheAdminService, CacheAdminGuard],
})
export class AdminModule {}
