import { createStandaloneCache, parseRedisUrl } from 'nestjs-coherent-cache';

/**
 * A second process for the staleness bench: holds keys in its memory tier and, asked to watch
 * one, polls it once per event-loop turn until its value changes, then reports the moment
 * (`performance.timeOrigin + performance.now()`, comparable across processes of one host).
 */
interface WatchRequest {
  key: string;
  stale: number;
}

async function main(): Promise<void> {
  const [url, keyPrefix] = process.argv.slice(2);
  if (!url || !keyPrefix) throw new Error('usage: memory-tier.child <url> <keyPrefix>');
  const { cache, close } = await createStandaloneCache({
    connection: parseRedisUrl(url),
    keyPrefix,
  });
  while (cache.memoryTier.mechanism !== 'tracking') await turn();
  process.send?.({ ready: true });
  process.on('message', (message: WatchRequest | 'close') => {
    if (message === 'close') {
      void close().then(() => process.exit(0));
      return;
    }
    void (async () => {
      // Hold it in memory first, then say so, then wait for the change.
      while ((await cache.get(message.key)) !== message.stale) await turn();
      process.send?.({ holding: message.key });
      while ((await cache.get(message.key)) === message.stale) await turn();
      process.send?.({ changedAt: performance.timeOrigin + performance.now() });
    })();
  });
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

void main();
