import { fork, type ChildProcess } from 'node:child_process';
import {
  CHILD_CONFIG_VARIABLE,
  isChildMessage,
  type ChildConfig,
  type MemoryReport,
} from './child.protocol.js';
import type { HistoryRecord } from './history.model.js';

/** How the children of a run ended. */
export interface ChildrenOutcome {
  /** Operations still running when a child gave up waiting for them. */
  abandoned: number;
  /** Children that exited without saying they were done. */
  crashed: number[];
  /** Each child's memory tier when it stopped (children that said they were done). */
  memory: MemoryReport[];
}

/**
 * The child processes of a cross-process run (`consistency.child.js`), and the history records
 * they stream.
 */
export class ConsistencyChildren {
  readonly records: HistoryRecord[] = [];
  private abandoned = 0;
  private readonly done = new Set<number>();
  private readonly memory = new Map<number, MemoryReport>();
  private readonly exited: Promise<void>[];

  private constructor(private readonly children: ChildProcess[]) {
    this.exited = children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) resolve();
          else child.once('exit', () => resolve());
        }),
    );
    children.forEach((child, index) =>
      child.on('message', (message: unknown) => {
        if (!isChildMessage(message)) return;
        if (message.type === 'records') this.records.push(...message.records);
        if (message.type === 'done') {
          this.abandoned += message.abandoned;
          this.memory.set(index, message.memory);
          this.done.add(index);
        }
      }),
    );
  }

  /** Forks one child per config and waits until each has reached Redis (or given up). */
  static async start(
    script: string,
    configs: readonly ChildConfig[],
    readyTimeoutMs = 30_000,
  ): Promise<ConsistencyChildren> {
    const children = configs.map((config) =>
      fork(script, [], {
        env: { ...process.env, [CHILD_CONFIG_VARIABLE]: JSON.stringify(config), NODE_OPTIONS: '' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const group = new ConsistencyChildren(children);
    try {
      await Promise.all(children.map((child) => readyOf(child, readyTimeoutMs)));
    } catch (error) {
      await group.kill();
      throw error;
    }
    return group;
  }

  /** Asks every child to stop (finishing what is in flight for up to `drainMs`) and waits. */
  async stop(drainMs: number): Promise<ChildrenOutcome> {
    for (const child of this.children) {
      if (child.connected) child.send({ type: 'stop', drainMs });
    }
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, drainMs + 10_000).unref());
    await Promise.race([Promise.all(this.exited), deadline]);
    await this.kill();
    const crashed = this.children.map((_, i) => i).filter((i) => !this.done.has(i));
    const memory = [...this.memory].sort(([a], [b]) => a - b).map(([, report]) => report);
    return { abandoned: this.abandoned, crashed, memory };
  }

  /** Kills the children still running. */
  async kill(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(this.exited);
  }
}

function readyOf(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('a consistency child did not start')),
      timeoutMs,
    );
    child.on('message', (message: unknown) => {
      if (isChildMessage(message) && message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a consistency child exited at start (code ${String(code)})`));
    });
  });
}
