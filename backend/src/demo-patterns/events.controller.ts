import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  CacheError,
  PubSubLimitError,
  PubSubService,
  defineChannel,
  NoCache,
} from 'nestjs-coherent-cache';
import { EVENT_CHANNELS, isEventChannel, type EventChannelName } from './event-channels.js';

const CHANNEL_NAME = /^[a-z0-9-]{1,32}$/;

/**
 * Pub/sub through the reference backend, on the channels of {@link EVENT_CHANNELS} only:
 * `POST /events/:channel` publishes the JSON body (and subscribes this process to the channel
 * first), `GET /events/:channel` shows how many messages this process received on it, and
 * `GET /events` the subscriber's counters. A name outside the list answers 404: a client cannot
 * make this process subscribe to channels of its choosing.
 */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('events')
export class EventsController {
  private readonly received = new Map<EventChannelName, number>();
  /** Subscriptions made or being made, by channel. */
  private readonly subscriptions = new Map<EventChannelName, Promise<void>>();

  constructor(private readonly pubsub: PubSubService) {}

  @Post(':channel')
  @HttpCode(202)
  async publish(@Param('channel') name: string, @Body() body: unknown) {
    const channel = this.channelName(name);
    await this.subscribeOnce(channel);
    try {
      return { receivers: await this.pubsub.publish(defineChannel(channel), body ?? null) };
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
    const channel = this.channelName(name);
    return { channel, received: this.received.get(channel) ?? 0 };
  }

  /** Subscribes this process to `name` on its first use; a failed attempt is retried later. */
  private subscribeOnce(name: EventChannelName): Promise<void> {
    let subscription = this.subscriptions.get(name);
    if (!subscription) {
      subscription = this.pubsub
        .subscribe(defineChannel<unknown>(name), () => {
          this.received.set(name, (this.received.get(name) ?? 0) + 1);
        })
        .then(
          () => undefined,
          (error: unknown) => {
            this.subscriptions.delete(name);
            if (error instanceof PubSubLimitError) {
              throw new ServiceUnavailableException('this process subscribes to no more channels');
            }
            throw error;
          },
        );
      this.subscriptions.set(name, subscription);
    }
    return subscription;
  }

  /** `name` when it is one of the channels; 400 for a malformed name, 404 for another one. */
  private channelName(name: string): EventChannelName {
    if (!CHANNEL_NAME.test(name)) throw new BadRequestException('channel: 1 to 32 of a-z, 0-9, -');
    if (!isEventChannel(name)) {
      throw new NotFoundException(
        `unknown channel "${name}"; the channels are ${EVENT_CHANNELS.join(', ')}`,
      );
    }
    return name;
  }
}
