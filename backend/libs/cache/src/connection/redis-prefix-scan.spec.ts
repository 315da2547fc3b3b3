import { KeyNamespace } from '../keys/key-namespace.js';
import type { RedisCallGate } from './redis-call-gate.js';
import type { RedisClient } from './redis-client.factory.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisPrefixScan } from './redis-prefix-scan.js';

/** One standalone server holding `redisKeys`; SCAN returns `pageSize` keys per step. */
function fakeServer(redisKeys: string[], { pageSize = 2, failAtStep = 0 } = {}) {
  const stored = new Set(redisKeys);
  let steps = 0;
  const client = {
    scan(cursor: string, _match: 'MATCH', pattern: string): Promise<[string, string[]]> {
      steps += 1;
      if (steps === failAtStep) return Promise.reject(new Error('connection lost'));
      const head = pattern.slice(0, -1).replace(/\\(.)/g, '$1');
      const matching = redisKeys.filter((k) => k.startsWith(head));
      const start = Number(cursor);
      const next = start + pageSize >= matching.length ? '0' : String(start + pageSize);
      return Promise.resolve([next, matching.slice(start, start + pageSize)]);
    },
    unlink(...keys: string[]): Promise<number> {
      return Promise.resolve(keys.filter((k) => stored.delete(k)).length);
    },
  };
  return { client: client as unknown as RedisClient, stored };
}

function prefixScan(client: RedisClient | null, available = true): RedisPrefixScan {
  const gate = {
    isAvailable: available,
    execute: <T>(_call: unknown, fn: (c: RedisClient) => Promise<T>): Promise<T> =>
      client ? fn(client) : Promise.reject(new Error('unavailable')),
  } as unknown as RedisCallGate;
  const connection = { getClient: () => client } as unknown as RedisConnection;
  return new RedisPrefixScan(gate, connection, new KeyNamespace('t'));
}

describe('RedisPrefixScan.sweepPrefix', () => {
  const keys = ['t:a*:1', 't:a*:2', 't:a*:3', 't:ab:1', 't:b:1'];

  it('deletes every key of the prefix, glob characters matching only themselves', async () => {
    const { client, stored } = fakeServer(keys);
    expect(await prefixScan(client).sweepPrefix('a*:')).toEqual({ deleted: 3, complete: true });
    expect([...stored]).toEqual(['t:ab:1', 't:b:1']);
  });

  it('reports the count so far and complete: false when Redis fails midway', async () => {
    const { client, stored } = fakeServer(keys, { failAtStep: 2 });
    const scan = prefixScan(client);
    expect(await scan.sweepPrefix('a*:')).toEqual({ deleted: 2, complete: false });
    expect(stored.has('t:a*:3')).toBe(true);
  });

  it('reports complete: false, and deletes nothing, when Redis is unavailable or disabled', async () => {
    const { client } = fakeServer(keys);
    expect(await prefixScan(client, false).sweepPrefix('')).toEqual({
      deleted: 0,
      complete: false,
    });
    expect(await prefixScan(null, false).sweepPrefix('')).toEqual({ deleted: 0, complete: false });
  });

  it('deleteByPrefix returns the count alone, and clearNamespace sweeps the whole namespace', async () => {
    const failing = fakeServer(keys, { failAtStep: 2 });
    expect(await prefixScan(failing.client).deleteByPrefix('a*:')).toBe(2);
    const { client, stored } = fakeServer(keys);
    expect(await prefixScan(client).clearNamespace()).toBe(5);
    expect(stored.size).toBe(0);
  });
});
