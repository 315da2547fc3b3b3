/**
 * A named channel whose messages carry payloads of type `T` (sent as JSON). Define it once and
 * share it between publishers and subscribers: `const orders = defineChannel<Order>('orders')`.
 */
export interface Channel<T> {
  readonly name: string;
  /** Never set: carries the payload type. */
  readonly payloadType?: T;
}

/** Defines a typed channel. */
export function defineChannel<T>(name: string): Channel<T> {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('a channel needs a name');
  return { name };
}

/** A subscriber's handler; `channel` is the logical channel name. */
export type MessageHandler<T> = (payload: T, channel: string) => void | Promise<void>;

/** Counters of the pub/sub service since start. */
export interface PubSubStats {
  /** Messages published through this service. */
  published: number;
  /** Messages received on the subscriber connection (each counted once, before its handlers). */
  received: number;
  /** Received messages that were not valid JSON (dropped). */
  decodeErrors: number;
  /** Handlers that threw or rejected. */
  handlerErrors: number;
  /** Times the subscriber connection was lost and came back. */
  reconnectGaps: number;
  /** Length of the last completed gap, in ms (`null` before the first). */
  lastGapMs: number | null;
  /** Whether the subscriber connection is up now. */
  connected: boolean;
  /** Logical channels with at least one handler. */
  channels: string[];
  /** Most distinct channels subscribed at once (`patterns.pubSubMaxChannels`). */
  maxChannels: number;
  /** Subscriptions refused because `maxChannels` channels were already subscribed. */
  refusedSubscriptions: number;
}
