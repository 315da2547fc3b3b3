import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { CacheError, PubSubService, defineChannel } from '../cache/index.js';

const CHANNEL_NAME = /^[a-z0-9-]{1,32}$/;

/**
 * Pub/sub through the reference backend: `POST /events/:channel` publishes the JSON body (and
 * subscribes this process to the channel first), `GET /events/:channel` shows how many messages
 * this process received on it, and `GET /events` the subscriber's counters.
 */
@Controller('events')
export class EventsController {
  private readonly received = new Map<string, number>();

  constructor(private readonly pubsub: PubSubService) {}

  @Post(':channel')
  @HttpCode(202)
  async publish(@Param('channel') name: string, @Body() body: unknown) {
    const channel = this.channel(name);
    if (!this.received.has(name)) {
      this.received.set(name, 0);
      await this.pubsub.subscribe(channel, () => {
        this.received.set(name, (this.received.get(name) ?? 0) + 1);
      });
    }
    try {
      return { receivers: await this.pubsub.publish(channel, body ?? null) };
    } catch (error) {
      if (error instanceof CacheError)
        throw new ServiceUnavailableException('Redis is unavailable');
      throw error;
    }
  }

  @Get()
  stats() {
    return this.pubsub.getStats();
  }

  @Get(':channel')
  count(@Param('channel') name: string) {
    this.channel(name);
    return { channel: name, received: this.received.get(name) ?? 0 };
  }

  private channel(name: string) {
    if (!CHANNEL_NAME.test(name)) throw new BadRequestException('channel: 1 to 32 of a-z, 0-9, -');
    return defineChannel<unknown>(name);
  }
}
