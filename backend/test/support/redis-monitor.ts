import { connect, type Socket } from 'node:net';
import { ADMIN_PASSWORD, ADMIN_USER, aclMode } from './acl-mode.js';

/** One command as MONITOR reported it: its arguments, unquoted. */
export type MonitoredCommand = readonly string[];

/** A MONITOR session on its own socket. */
export interface RedisMonitor {
  /** Every command reported so far, in the order Redis ran them. */
  readonly commands: MonitoredCommand[];
  /** Waits until a command for which `match` holds has been reported. */
  until(match: (command: MonitoredCommand) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * Starts MONITOR on a raw socket. (ioredis's `monitor()` can fail with "Command queue state
 * error" when the first monitored line arrives in the same read as MONITOR's `+OK`, before its
 * connection switches mode; a busy server does that.) In an ACL run it authenticates as admin.
 */
export async function watchCommands(port: number): Promise<RedisMonitor> {
  const socket: Socket = connect({ port, host: '127.0.0.1' });
  const commands: MonitoredCommand[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  let expectedReplies = aclMode ? 2 : 1; // AUTH's +OK, then MONITOR's +OK
  let onLive: (() => void) | undefined;
  let onFail: ((error: Error) => void) | undefined;
  const live = new Promise<void>((resolve, reject) => {
    onLive = resolve;
    onFail = reject;
  });
  socket.setEncoding('utf8');
  socket.on('error', (error) => onFail?.(error));
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end = buffered.indexOf('\r\n');
    while (end >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\r\n');
      if (expectedReplies > 0) {
        if (line !== '+OK') {
          onFail?.(new Error(`MONITOR refused: ${line}`));
          return;
        }
        expectedReplies -= 1;
        if (expectedReplies === 0) onLive?.();
        continue;
      }
      commands.push(parseMonitorLine(line));
      for (const wake of waiters) wake();
    }
  });
  if (aclMode) socket.write(`AUTH ${ADMIN_USER} ${ADMIN_PASSWORD}\r\n`);
  socket.write('MONITOR\r\n');
  await live;
  return {
    commands,
    until(match, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!commands.some(match)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`MONITOR: no matching command within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      socket.destroy();
    },
  };
}

/** `+1700000000.123456 [0 127.0.0.1:5000] "get" "k\"ey"` → `['get', 'k"ey']`. */
function parseMonitorLine(line: string): MonitoredCommand {
  const args: string[] = [];
  const start = line.indexOf('] ');
  let i = start < 0 ? line.length : start + 2;
  while (i < line.length) {
    if (line[i] !== '"') {
      i += 1;
      continue;
    }
    let arg = '';
    i += 1;
    while (i < line.length && line[i] !== '"') {
      if (line[i] === '\\' && i + 1 < line.length) {
        const next = line[i + 1] as string;
        if (next === 'x' && i + 3 < line.length) {
          arg += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        arg += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next;
        i += 2;
        continue;
      }
      arg += line[i];
      i += 1;
    }
    args.push(arg);
    i += 1;
  }
  return args;
}
