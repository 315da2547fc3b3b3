import { NoCache } from 'nestjs-coherent-cache';
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { VideosService } from './videos.service.js';

/** Video routes whose data is cached by `VideosService` (service-level `@Cacheable`). */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('videos')
export class VideosController {
  constructor(private readonly videos: VideosService) {}

  @Get()
  list() {
    return this.videos.list();
  }

  @Get(':id/stats')
  stats(@Param('id') id: string) {
    return this.videos.stats(id);
  }

  @Get(':id/upload-url')
  uploadUrl(@Param('id') id: string) {
    return this.videos.presignedUploadUrl(id);
  }

  @Post(':id/views')
  @HttpCode(200)
  recordView(@Param('id') id: string) {
    return this.videos.recordView(id);
  }
}
