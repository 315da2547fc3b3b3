import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { summarize, type LoadSample } from './load-driver.js';
import type { RedisServer } from './redis-server.js';

/** How writes fared after a fault, checked directly on the new master. */
export interface WriteResume {
  /** Writes (in scope) started after the fault. */
  writesAfterFault: number;
  /** Of those, writes the service reported as dropped (`set` answered `false`). */
  dropped: number;
  /** Writes the service reported as stored that the new master does not have. */
  lost: number;
  /**
   * From the fault to the start of the first write after which every write (in scope) was
   * stored and is on the new master, in ms; 0 when no write was dropped or lost; `null` when
   * writes never resumed before the run ended.
   */
  resumeAfterFaultMs: number | null;
}

/**
 * Checks every write started after `faultAtMs` against the new master with `redis-cli`
 * (`EXISTS`), and finds when writes resumed there.
 *
 * @param toRedisKey maps a sample's logical key to its Redis key.
 * @param inScope which Redis keys the new master is expected to hold (in a Cluster, the keys
 *   of the failed master's slots).
 */
export async function measureWriteResume(
  samples: readonly LoadSample[],
  faultAtMs: number,
  newMaster: RedisServer,
  toRedisKey: (key: string) => string,
  inScope: (redisKey: string) => boolean = () => true,
): Promise<WriteResume> {
  const writes = samples
    .filter((s) => s.kind === 'set' && s.key !== undefined && s.startedAtMs >= faultAtMs)
    .map((s) => ({ sample: s, redisKey: toRedisKey(s.key as string) }))
    .filter((w) => inScope(w.redisKey));
  const stored = writes.filter((w) => w.sample.ok && !w.sample.threw);
  const replies = await newMaster.cliBatch(stored.map((w) => ['EXISTS', w.redisKey]));
  const landed = new Set(stored.filter((_, i) => replies[i] === '1').map((w) => w.sample.index));
  let lastBad = -1;
  writes.forEach((w, i) => {
    if (!landed.has(w.sample.index)) lastBad = i;
  });
  const firstGood = writes[lastBad + 1];
  return {
    writesAfterFault: writes.length,
    dropped: writes.length - stored.length,
    lost: stored.length - landed.size,
    resumeAfterFaultMs:
      lastBad === -1 ? 0 : firstGood ? firstGood.sample.startedAtMs - faultAtMs : null,
  };
}

/** A command that a client (not another Redis node) ran on a watched server. */
export interface WatchedCommand {
  /** Server time, in ms since the epoch. */
  atMs: number;
  command: string;
  source: string;
}

/**
 * Records, with `MONITOR`, the commands that touch one key namespace on one server, leaving out
 * those sent by other Redis nodes (replication) and the inner calls of scripts. Used to see
 * whether a client keeps talking to a demoted master.
 */
export class CommandWatch {
  readonly seen: WatchedCommand[] = [];

  private constructor(private readonly monitor: ChildProcess) {}

  /**
   * Watches a node with `redis-cli MONITOR` (a process of its own: a watcher that breaks cannot
   * disturb the test's clients).
   *
   * @param keyPrefix the namespace prefix (`RedisService.namespace.prefix`).
   * @param nodePorts ports of every Redis node of the topology (their commands are replication).
   */
  static async start(
    server: RedisServer,
    keyPrefix: string,
    nodePorts: readonly number[],
  ): Promise<CommandWatch> {
    const monitor = spawn(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(server.port), ...server.authCliArgs(), 'MONITOR'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    monitor.on('error', () => undefined);
    const watch = new CommandWatch(monitor);
    const head = `"${keyPrefix}:`;
    const lines = createInterface({ input: monitor.stdout as NodeJS.ReadableStream });
    const started = new Promise<void>((resolve) => {
      lines.once('line', () => resolve());
      setTimeout(resolve, 1_000);
    });
    lines.on('line', (line: string) => {
      // 1795404479.680409 [0 127.0.0.1:37883] "SET" "key" …
      const match = /^(\d+\.\d+) \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
      if (!match) return;
      const [, time, source, command] = match as unknown as [string, string, string, string];
      if (source === 'lua') return;
      const port = Number(source.split(':').pop());
      if (nodePorts.includes(port)) return;
      if (!line.includes(head)) return;
      watch.seen.push({ atMs: Number(time) * 1000, command, source });
    });
    return started.then(() => watch);
  }

  /** Commands recorded after `atMs`. */
  after(atMs: number): WatchedCommand[] {
    return this.seen.filter((c) => c.atMs > atMs);
  }

  stop(): void {
    this.monitor.kill('SIGKILL');
  }
}

/** The figures of one failover under load. */
export interface FailoverFigures {
  title: string;
  samples: readonly LoadSample[];
  faultAtMs: number;
  switchSeenAtMs: number;
  writes: WriteResume;
  /** Commands of the client on the demoted (or restarted) master after the switch was seen. */
  demotedAfterSwitch: WatchedCommand[];
  /** Extra lines (an HTTP load, for example). */
  extra?: string[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Prints the figures of a failover in a few lines (shown in the test output). */
export function printFailoverFigures(figures: FailoverFigures): void {
  const all = summarize(figures.samples);
  const during = summarize(figures.samples, figures.faultAtMs, figures.switchSeenAtMs + 2_000);
  const failoverMs = figures.switchSeenAtMs - figures.faultAtMs;
  const { writes } = figures;
  const resume =
    writes.resumeAfterFaultMs === null
      ? 'never resumed'
      : `${seconds(writes.resumeAfterFaultMs)} after the fault (${seconds(writes.resumeAfterFaultMs - failoverMs)} after the switch)`;
  const lastDemoted = figures.demotedAfterSwitch.at(-1);
  const lines = [
    `── ${figures.title} ──`,
    `load           ${all.total} ops at ${all.ratePerSecond}/s: ok ${all.ok}, miss/dropped ${all.notOk}, exceptions ${all.threw}, hung ${all.hung}; p50 ${all.p50Ms} ms, p99 ${all.p99Ms} ms, max ${all.maxMs} ms`,
    `during fault   ${during.total} ops: ok ${during.ok}, miss/dropped ${during.notOk}, exceptions ${during.threw}`,
    `failover       new master seen ${seconds(failoverMs)} after the fault`,
    `writes         resumed on the new master ${resume}; checked ${writes.writesAfterFault} writes with redis-cli: dropped ${writes.dropped}, reported stored but lost ${writes.lost}`,
    `demoted master ${figures.demotedAfterSwitch.length} client commands after the switch${lastDemoted ? ` (last ${seconds(lastDemoted.atMs - figures.switchSeenAtMs)} after it)` : ''}`,
    ...(figures.extra ?? []),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
}
