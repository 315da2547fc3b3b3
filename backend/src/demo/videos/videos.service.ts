import { Injectable } from '@nestjs/common';
import { CacheEvict, Cacheable } from 'nestjs-coherent-cache';
import { cacheKeys } from '../cache-keys.js';
import { SimulatedDb, type ReadStamp } from '../shared/simulated-db.js';

/** How long each kind of video data is cached, in seconds. */
export const VIDEO_CACHE_TTL_SECONDS = {
  list: 60,
  stats: 30,
  presignedUrl: 3600,
} as const;

export interface VideoSummary {
  id: string;
  title: string;
}

/**
 * Video data cached at the service level: the list for 60 s, stats for 30 s, a presigned upload
 * URL for an hour. Recording a view evicts that video's stats.
 */
@Injectable()
export class VideosService {
  private readonly views = new Map<string, number>();

  constructor(private readonly db: SimulatedDb) {}

  @Cacheable({ ttlSeconds: VIDEO_CACHE_TTL_SECONDS.list, key: cacheKeys.videoList() })
  async list(): Promise<{ items: VideoSummary[] } & ReadStamp> {
    const stamp = await this.db.read();
    const items = ['intro', 'setup', 'scaling'].map((id) => ({ id, title: `Video ${id}` }));
    return { items, ...stamp };
  }

  @Cacheable({
    ttlSeconds: VIDEO_CACHE_TTL_SECONDS.stats,
    key: (videoId: string) => cacheKeys.videoStats(videoId),
  })
  async stats(videoId: string): Promise<{ videoId: string; views: number } & ReadStamp> {
    const stamp = await this.db.read();
    return { videoId, views: this.views.get(videoId) ?? 0, ...stamp };
  }

  @Cacheable({
    ttlSeconds: VIDEO_CACHE_TTL_SECONDS.presignedUrl,
    key: (videoId: string) => cacheKeys.presignedUrl(videoId),
  })
  async presignedUploadUrl(
    videoId: string,
  ): Promise<{ url: string; expiresInSeconds: number } & ReadStamp> {
    const stamp = await this.db.read();
    const signature = Math.random().toString(36).slice(2);
    return {
      url: `https://uploads.example.test/${encodeURIComponent(videoId)}?signature=${signature}`,
      expiresInSeconds: VIDEO_CACHE_TTL_SECONDS.presignedUrl,
      ...stamp,
    };
  }

  @CacheEvict({ keys: (videoId: string) => [cacheKeys.videoStats(videoId)] })
  async recordView(videoId: string): Promise<{ videoId: string; views: number }> {
    await Promise.resolve();
    const views = (this.views.get(videoId) ?? 0) + 1;
    this.views.set(videoId, views);
    return { videoId, views };
  }
}
