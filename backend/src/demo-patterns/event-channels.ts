/**
 * The channels the reference `/events` routes accept. A channel name arrives in an anonymous
 * request, and each channel this process subscribes to costs memory here and on Redis for as
 * long as it stays subscribed: the routes accept this fixed set, never a name a client makes up.
 */
export const EVENT_CHANNELS = ['news', 'orders', 'alerts', 'chat', 'deployments'] as const;

/** One of {@link EVENT_CHANNELS}. */
export type EventChannelName = (typeof EVENT_CHANNELS)[number];

/** `true` when `name` is one of {@link EVENT_CHANNELS}. */
export function isEventChannel(name: string): name is EventChannelName {
  return (EVENT_CHANNELS as readonly string[]).includes(name);
}
