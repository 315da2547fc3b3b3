import { Cluster } from 'ioredis';
import { hashSlot } from '../keys/hash-slot.js';
import { DEADLINE_CHECK_LUA, guardedWrite } from './late-write.script.js';
import type { RedisClient } from './redis-client.factory.js';

/**
 * The writes of one batch, checked against the earliest deadline with one `TIME`: each runs with
 * `redis.pcall`, so one failing write (a wrong type) fails alone. ARGV[1]: the deadline in ms of
 * the server's clock; then, per write: the number of its arguments, the command, the arguments.
 * Replies, per write: a kind (`S` status, `I` integer, `B` bulk text, `N` nil, `E` error) and
 * its text.
 */
const GUARDED_BATCH_LUA = `${DEADLINE_CHECK_LUA}
local replies = {}
local i = 2
while i <= #ARGV do
  local argc = tonumber(ARGV[i])
  local reply = redis.pcall(unpack(ARGV, i + 1, i + argc))
  if type(reply) == 'table' and reply.err then
    replies[#replies + 1] = 'E'
    replies[#replies + 1] = reply.err
  elseif type(reply) == 'table' and reply.ok then
    replies[#replies + 1] = 'S'
    replies[#replies + 1] = reply.ok
  elseif type(reply) == 'number' then
    replies[#replies + 1] = 'I'
    replies[#replies + 1] = string.format('%.0f', reply)
  elseif type(reply) == 'string' then
    replies[#replies + 1] = 'B'
    replies[#replies + 1] = reply
  else
    replies[#replies + 1] = 'N'
    replies[#replies + 1] = ''
  end
  i = i + 1 + argc
end
return replies
`;

/** Most writes in one script call: a larger turn leaves as several calls. */
const MAX_WRITES_PER_CALL = 128;

/**
 * A write with more arguments than this goes alone: Lua's `unpack` of thousands of values fails
 * outside `redis.pcall`, which would fail the writes batched with it.
 */
const MAX_ARGS_PER_BATCHED_WRITE = 1_000;

interface BatchClient {
  guardedBatch(...args: (string | number)[]): Promise<string[]>;
}

/** One write waiting for its batch. */
interface QueuedWrite {
  keys: readonly string[];
  deadlineMs: number;
  command: string;
  args: readonly (string | number)[];
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

/** An error Redis answered for one write of a batch; named like ioredis's own reply errors. */
class BatchedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** Registers the batch script on a client (sent as EVALSHA, loaded on first use). */
export function defineGuardedBatch(client: RedisClient): void {
  client.defineCommand('guardedBatch', { lua: GUARDED_BATCH_LUA });
}

/**
 * Guarded writes sent in one turn of the event loop leave as one script call per client (per
 * hash slot on a Cluster) instead of one each: the guard's cost (a script run and a `TIME`) is
 * paid once per batch, the writes still run in order and each gets its own reply or error. A
 * batch is refused whole when it reaches Redis after the earliest deadline of its writes. A
 * lone write goes through the single-write script.
 */
export class GuardedWriteBatcher {
  private readonly queues = new Map<RedisClient, QueuedWrite[]>();
  private scheduled = false;

  /** Queues `command args…` (its Redis keys in `keys`) on `client`; settles with its reply. */
  write(
    client: RedisClient,
    keys: readonly string[],
    deadlineMs: number,
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(client);
      if (!queue) this.queues.set(client, (queue = []));
      queue.push({ keys, deadlineMs, command, args, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the promise callbacks of this turn: callers woken by one reply join one batch.
        process.nextTick(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queues = [...this.queues];
    this.queues.clear();
    for (const [client, queued] of queues) {
      const writes: QueuedWrite[] = [];
      for (const write of queued) {
        if (write.args.length > MAX_ARGS_PER_BATCHED_WRITE) send(client, [write]);
        else writes.push(write);
      }
      for (const group of groupBySlot(client, writes)) {
        for (let start = 0; start < group.length; start += MAX_WRITES_PER_CALL) {
          send(client, group.slice(start, start + MAX_WRITES_PER_CALL));
        }
      }
    }
  }
}

/** On a Cluster, the writes by the hash slot of their first key; one group otherwise. */
function groupBySlot(client: RedisClient, writes: QueuedWrite[]): QueuedWrite[][] {
  if (!(client instanceof Cluster)) return [writes];
  const groups = new Map<number, QueuedWrite[]>();
  for (const write of writes) {
    const slot = write.keys.length > 0 ? hashSlot(write.keys[0] as string) : -1;
    let group = groups.get(slot);
    if (!group) groups.set(slot, (group = []));
    group.push(write);
  }
  return [...groups.values()];
}

function send(client: RedisClient, writes: QueuedWrite[]): void {
  const [only] = writes;
  if (writes.length === 1 && only) {
    guardedWrite(client, only.keys, only.deadlineMs, only.command, only.args).then(
      only.resolve,
      only.reject,
    );
    return;
  }
  const keys = [...new Set(writes.flatMap((w) => w.keys))];
  let deadlineMs = Number.POSITIVE_INFINITY;
  for (const write of writes) deadlineMs = Math.min(deadlineMs, write.deadlineMs);
  const argv: (string | number)[] = [deadlineMs];
  for (const write of writes) argv.push(write.args.length + 1, write.command, ...write.args);
  (client as unknown as BatchClient).guardedBatch(keys.length, ...keys, ...argv).then(
    (replies) => settle(writes, replies),
    (error: unknown) => {
      for (const write of writes) write.reject(error);
    },
  );
}

function settle(writes: readonly QueuedWrite[], replies: readonly string[]): void {
  writes.forEach((write, index) => {
    const kind = replies[index * 2];
    const text = replies[index * 2 + 1] ?? '';
    if (kind === 'E') write.reject(new BatchedReplyError(text));
    else if (kind === 'I') write.resolve(Number(text));
    else if (kind === 'N') write.resolve(null);
    else if (kind === 'S' || kind === 'B') write.resolve(text);
    else write.reject(new BatchedReplyError('ERR the batch gave no reply for this write'));
  });
}
