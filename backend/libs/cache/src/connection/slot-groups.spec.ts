import { Cluster, Redis } from 'ioredis';
import { hashSlot } from '../keys/hash-slot.js';
import { groupByKeySlot } from './slot-groups.js';

describe('groupByKeySlot (no connection is made)', () => {
  const keys = ['a', 'b', 'c', '{user}:1', '{user}:2', 'd'];
  const self = (key: string) => key;

  it('keeps everything in one group on a single server', () => {
    const client = new Redis({ lazyConnect: true });
    expect(groupByKeySlot(client, keys, self, 'slot')).toEqual([keys]);
    expect(groupByKeySlot(client, [], self, 'node')).toEqual([]);
    expect(groupByKeySlot(null, keys, self, 'node')).toEqual([keys]);
    client.disconnect();
  });

  it('groups by hash slot for multi-key commands in a Cluster', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    const groups = groupByKeySlot(cluster, keys, self, 'slot');
    for (const group of groups) expect(new Set(group.map(hashSlot)).size).toBe(1);
    expect(groups.flat().sort()).toEqual([...keys].sort());
    expect(groups).toContainEqual(['{user}:1', '{user}:2']);
    cluster.disconnect();
  });

  it('groups by the node serving each slot for pipelines, keeping order within a group', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    for (const key of keys) {
      cluster.slots[hashSlot(key)] = [hashSlot(key) < 8_192 ? '10.0.0.1:7000' : '10.0.0.2:7000'];
    }
    const groups = groupByKeySlot(cluster, keys, self, 'node');
    const owners = (group: string[]) => new Set(group.map((k) => cluster.slots[hashSlot(k)]?.[0]));
    expect(groups).toHaveLength(owners(keys).size);
    for (const group of groups) {
      expect(owners(group).size).toBe(1);
      expect(group).toEqual(keys.filter((k) => group.includes(k)));
    }
    cluster.disconnect();
  });
});
