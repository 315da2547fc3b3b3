import 'reflect-metadata';
import { benchGetOrSet } from './get-or-set.bench.js';
import { benchHttpCache } from './http-cache.bench.js';
import { benchMemoryTier } from './memory-tier.bench.js';
import { benchRateLimiter } from './rate-limiter.bench.js';
import { benchRedisService } from './redis-service.bench.js';

/** A benchmark: returns the lines it prints. */
type Bench = () => Promise<string[]>;

const benches: [string, Bench][] = [
  ['redis-service', benchRedisService],
  ['get-or-set', benchGetOrSet],
  ['memory-tier', benchMemoryTier],
  ['http-cache', benchHttpCache],
  ['rate-limiter', benchRateLimiter],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  process.stdout.write(`node ${process.version}, ${new Date().toISOString()}\n`);
  for (const [name, bench] of benches) {
    if (only && only !== name) continue;
    process.stdout.write(`\n== ${name}\n`);
    for (const line of await bench()) process.stdout.write(`${line}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
