/**
 * One process of a cross-process consistency run: its own CacheService (and connection) on the
 * cache Redis, the shared database in another Redis, a few workers running random reads and
 * writes. It streams its history records to the parent over IPC until told to stop.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createStandaloneCache } from 'nestjs-coherent-cache';
import {
  CHILD_CONFIG_VARIABLE,
  isStopMessage,
  type ChildConfig,
  type ChildMessage,
  type StopMessage,
} from './child.protocol.js';
import { HistoryRecorder, type HistoryRecord } from './history.model.js';
import { RealTimePacer, randomStep, seededRandom } from './random-workload.js';
import { RedisRawEntryWriter } from './raw-entry-writer.js';
import { RedisRowStore } from './row-stores.js';
import { RowLocks } from './row-locks.js';
import { WorkloadActor } from './workload.actor.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, () => resolve());
  });
}

function readConfig(): ChildConfig {
  const text = process.env[CHILD_CONFIG_VARIABLE];
  if (!text) throw new Error(`${CHILD_CONFIG_VARIABLE} is not set`);
  return JSON.parse(text) as ChildConfig;
}

/** Resolves with the parent's stop request (or a default one if the parent goes away). */
function stopRequested(): Promise<StopMessage> {
  return new Promise((resolve) => {
    process.on('message', (message: unknown) => {
      if (isStopMessage(message)) resolve(message);
    });
    process.once('disconnect', () => resolve({ type: 'stop', drainMs: 0 }));
  });
}

async function main(): Promise<void> {
  const config = readConfig();
  if (process.env.CONSISTENCY_CHILD_LOGS !== '1') Logger.overrideLogger(false);
  const stop = stopRequested();
  const unsent: HistoryRecord[] = [];
  const flush = async () => {
    if (unsent.length > 0) await send({ type: 'records', records: unsent.splice(0) });
  };
  const flusher = setInterval(() => void flush(), 100);
  const db = await RedisRowStore.connect(config.dbUrl, config.dbPrefix);
  const { cache, redis, close } = await createStandaloneCache(
    {
      connection: config.connection,
      keyPrefix: config.keyPrefix,
      // On by default; `CONSISTENCY_MEMORY_TIER=0` runs the children on Redis alone (a baseline).
      caching: { memory: { enabled: process.env.CONSISTENCY_MEMORY_TIER !== '0' } },
    },
    10_000,
  );
  const raw = config.rawConnection
    ? await RedisRawEntryWriter.connect(config.rawConnection, config.keyPrefix)
    : undefined;
  await send({ type: 'ready', available: redis.isAvailable });
  const random = seededRandom(config.seed);
  const actor = new WorkloadActor({
    process: config.process,
    layout: config.layout,
    cache,
    db,
    pacer: new RealTimePacer(random),
    recorder: new HistoryRecorder(config.process, (record) => unsent.push(record)),
    locks: new RowLocks(),
    ttlSeconds: config.ttlSeconds,
    ...(raw ? { raw } : {}),
  });
  let stopping = false;
  const workers = Array.from({ length: config.workers }, async () => {
    while (!stopping) {
      await actor.run(
        randomStep(random, config.layout, config.process, config.processes, raw !== undefined),
      );
      await sleep(random() * config.thinkMs);
    }
  });
  const { drainMs } = await stop;
  stopping = true;
  const drained = await Promise.race([
    Promise.all(workers).then(() => true),
    sleep(drainMs).then(() => false),
  ]);
  const abandoned = drained ? 0 : actor.abandonInFlight();
  clearInterval(flusher);
  await flush();
  const { enabled, mechanism } = cache.memoryTier;
  await send({ type: 'done', abandoned, memory: { enabled, mechanism } });
  await Promise.race([Promise.all([close(), db.close(), raw?.close()]), sleep(2_000)]);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`consistency child failed: ${String(error)}\n`);
  process.exit(1);
});
