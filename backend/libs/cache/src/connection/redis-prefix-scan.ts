import type { Redis } from 'ioredis';
import type { KeyNamespace } from '../keys/key-namespace.js';
import { scanStep, scanTargets, unlinkOnNode } from './key-scanner.js';
import type { RedisCallGate } from './redis-call-gate.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * The by-prefix part of `RedisService`: finds and deletes the keys of the namespace that start
 * with a prefix, with SCAN (and UNLINK) on every master, never KEYS, FLUSHDB or FLUSHALL.
 */
export class RedisPrefixScan {
  constructor(
    private readonly gate: RedisCallGate,
    private readonly connection: RedisConnection,
    private readonly namespace: KeyNamespace,
  ) {}

  /**
   * Iterates the logical keys that start with `prefix`, with SCAN on every master. Glob
   * characters in `prefix` match only themselves. Stops early (without throwing) when Redis
   * fails; `complete` on the iterator's return tells whether every node was scanned.
   */
  async *scanKeys(prefix = ''): AsyncGenerator<string, { complete: boolean }, undefined> {
    if (!this.connection.getClient() || !this.gate.isAvailable) return { complete: false };
    const pattern = this.namespace.matchPattern(prefix);
    let nodes: Redis[];
    try {
      nodes = await this.gate.execute({ operation: 'scan', key: prefix }, scanTargets);
    } catch {
      return { complete: false };
    }
    for (const node of nodes) {
      let cursor = '0';
      do {
        let step: [string, string[]];
        try {
          step = await this.gate.execute({ operation: 'scan', key: prefix }, () =>
            scanStep(node, cursor, pattern),
          );
        } catch {
          return { complete: false };
        }
        cursor = step[0];
        for (const redisKey of step[1]) yield this.namespace.fromRedisKey(redisKey);
      } while (cursor !== '0');
    }
    return { complete: true };
  }

  /**
   * Deletes every key of the namespace that starts with `prefix` (SCAN + UNLINK on every master,
   * never KEYS). Glob characters in `prefix` match only themselves. Never throws because Redis
   * failed: a failure stops the sweep.
   *
   * @returns `deleted`: how many keys were deleted; `complete`: `true` when every master was
   *   swept to the end, `false` when Redis was unavailable (or caching disabled) or failed
   *   midway, so that keys with the prefix may remain.
   */
  async sweepPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }> {
    const client = this.connection.getClient();
    if (!client || !this.gate.isAvailable) return { deleted: 0, complete: false };
    const pattern = this.namespace.matchPattern(prefix);
    let deleted = 0;
    let nodes: Redis[];
    try {
      nodes = await this.gate.execute({ operation: 'scan', key: prefix }, scanTargets);
    } catch {
      return { deleted, complete: false };
    }
    for (const node of nodes) {
      let cursor = '0';
      do {
        try {
          const [next, keys] = await this.gate.execute({ operation: 'scan', key: prefix }, () =>
            scanStep(node, cursor, pattern),
          );
          cursor = next;
          deleted += await this.gate.execute({ operation: 'unlink', key: prefix }, () =>
            unlinkOnNode(client, node, keys),
          );
        } catch {
          return { deleted, complete: false };
        }
      } while (cursor !== '0');
    }
    return { deleted, complete: true };
  }

  /**
   * Deletes every key of the namespace that starts with `prefix` (SCAN + UNLINK on every master,
   * never KEYS). Glob characters in `prefix` match only themselves. Returns how many keys were
   * deleted; a failure midway stops the sweep and returns the count so far (use
   * `sweepPrefix` to know whether it was complete).
   */
  async deleteByPrefix(prefix: string): Promise<number> {
    return (await this.sweepPrefix(prefix)).deleted;
  }

  /**
   * Deletes every key of the module's namespace, and nothing else: never FLUSHDB or FLUSHALL,
   * which would erase data that other applications (or BullMQ) keep on the same Redis.
   */
  clearNamespace(): Promise<number> {
    return this.deleteByPrefix('');
  }
}
