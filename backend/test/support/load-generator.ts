import { spawn } from 'node:child_process';
import type { LoadRun, LoadSample as DriverSample } from './load-driver.js';

/** One request of a load run. */
export interface LoadSample {
  /** Wall-clock time the request was sent (epoch ms, fractional). */
  startedAtMs: number;
  latencyMs: number;
  /** HTTP status, or 0 when the request failed at the network level or timed out. */
  status: number;
}

/** Options of {@link runLoad} and {@link startHttpLoad}. */
export interface LoadOptions {
  baseUrl: string;
  /** Paths requested in turn. */
  paths: readonly string[];
  ratePerSecond: number;
  /** Longest run, in ms (a run started by {@link startHttpLoad} may be stopped sooner). */
  durationMs: number;
  /** A request without an answer after this long is given up and counted as failed. Default 5,000. */
  timeoutMs?: number;
}

/** What the child prints: index, sent at (epoch ms), latency (ms), status (0: failed), reason. */
type Row = [number, number, number, number, string];

/**
 * The child process: sends `GET baseUrl + paths[i % n]` at a fixed pace (open loop: a slow answer
 * does not delay the next request), stops early at any input on stdin, waits for the requests in
 * flight (each bounded by `timeoutMs`), and prints one row per request as JSON.
 */
const CHILD_SCRIPT = `
  const { baseUrl, paths, ratePerSecond, durationMs, timeoutMs } = JSON.parse(process.argv[1]);
  let stopped = false;
  process.stdin.on('data', () => { stopped = true; });
  process.stdin.on('end', () => { stopped = true; });
  const rows = [];
  const pending = [];
  const origin = performance.timeOrigin;
  const start = performance.now();
  process.stderr.write('start ' + (origin + start) + '\\n');
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  for (let i = 0; i < total && !stopped; i += 1) {
    const wait = start + (i * 1000) / ratePerSecond - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (stopped) break;
    const sent = performance.now();
    pending.push(
      fetch(baseUrl + paths[i % paths.length], { signal: AbortSignal.timeout(timeoutMs) })
        .then(async (res) => {
          await res.arrayBuffer();
          rows.push([i, origin + sent, performance.now() - sent, res.status, '']);
        })
        .catch((error) => {
          const reason = error.name === 'TimeoutError' ? 'timeout' : String(error.cause?.code ?? error.message);
          rows.push([i, origin + sent, performance.now() - sent, 0, reason]);
        }),
    );
  }
  await Promise.all(pending);
  rows.sort((a, b) => a[0] - b[0]);
  process.stdout.write(JSON.stringify(rows), () => process.exit(0));
`;

/**
 * Sends requests at a fixed rate from a separate Node process, so that the client shares neither
 * the server's event loop nor its CPU time slice, until `durationMs` passes or `stop()` is
 * called. Samples are in the load driver's form: a 2xx answer is `ok`, another status `notOk`,
 * a refused connection or a timeout is an error reaching the client (`threw`).
 */
export function startHttpLoad(
  options: LoadOptions,
  onStart?: (startedAtMs: number) => void,
): LoadRun {
  const settings = { timeoutMs: 5_000, ...options };
  const run = spawnScript(CHILD_SCRIPT, settings, onStart);
  return {
    startedAtMs: Date.now(),
    stop: () => run.stop(),
    finished: run.output.then((stdout) =>
      (JSON.parse(stdout) as Row[]).map((row) => toSample(row, settings.paths)),
    ),
  };
}

/** A Node child running `script` (an ES module) with `options` as its JSON argument. */
interface ScriptRun {
  /** Everything it wrote to stdout, once it exited with code 0. */
  output: Promise<string>;
  /** Writes a line to its stdin (a request to stop); nothing when it already ended. */
  stop(): void;
}

/**
 * Spawns `script`; `onStart` receives the epoch time the script printed as `start <ms>` on
 * stderr. A non-zero exit rejects `output` with the end of its stderr.
 */
function spawnScript(
  script: string,
  options: object,
  onStart?: (startedAtMs: number) => void,
): ScriptRun {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    const match = /start ([\d.]+)/.exec(text);
    if (match && onStart) onStart(Number(match[1]));
  });
  // The parent may stop the run after the child already ended: ignore a closed pipe.
  child.stdin.on('error', () => undefined);
  const output = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`load client exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
  return {
    output,
    stop: () => {
      if (child.exitCode === null) child.stdin.end('stop\n');
    },
  };
}

/** Runs {@link startHttpLoad} to the end; one sample per request with its status. */
export async function runLoad(
  options: LoadOptions,
  onStart?: (startedAtMs: number) => void,
): Promise<LoadSample[]> {
  const samples = await startHttpLoad(options, onStart).finished;
  return samples.map((s) => ({
    startedAtMs: s.startedAtMs,
    latencyMs: s.latencyMs,
    status: Number(s.detail) || 0,
  }));
}

function toSample(
  [index, startedAtMs, latencyMs, status, reason]: Row,
  paths: readonly string[],
): DriverSample {
  const path = paths[index % paths.length] ?? '';
  return {
    index,
    kind: `GET ${path}`,
    key: path,
    ok: status >= 200 && status < 300,
    detail: status === 0 ? reason : String(status),
    startedAtMs,
    latencyMs,
    threw: status === 0,
    hung: false,
  };
}

/** Options of {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  baseUrl: string;
  /** Requests to send in all. */
  requests: number;
  /** Requests in flight at once, on as many keep-alive connections. */
  concurrency: number;
  /**
   * Source of a function from the request's number to its path, evaluated in the child, e.g.
   * `'(i) => "/list?page=" + (i % 5)'`.
   */
  pathSource: string;
  /** `POST` sends an empty JSON object as the body. Default `GET`. */
  method?: 'GET' | 'POST';
}

/** What a closed-loop run did. */
export interface ClosedLoopResult {
  /** Requests answered, by HTTP status (`0`: failed at the network level). */
  byStatus: Record<string, number>;
  elapsedMs: number;
}

/**
 * Sends `requests` GETs (or POSTs) from a separate Node process with `concurrency` of them in flight at
 * all times (a new one as soon as one is answered), over keep-alive connections, so that a
 * flood measures the server rather than a client sharing its process.
 */
export function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const script = `
    import { Agent, request } from 'node:http';
    const { baseUrl, requests, concurrency, pathSource, method = 'GET' } = JSON.parse(process.argv[1]);
    const headers = method === 'POST' ? { 'content-type': 'application/json', 'content-length': '2' } : {};
    const pathOf = (0, eval)(pathSource);
    const { hostname, port } = new URL(baseUrl);
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const byStatus = {};
    const get = (path) =>
      new Promise((resolve) => {
        const req = request({ host: hostname, port, path, agent, method, headers }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        });
        req.once('error', () => resolve(0));
        req.end(method === 'POST' ? '{}' : undefined);
      });
    let next = 0;
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const status = await get(pathOf(next++));
          byStatus[status] = (byStatus[status] ?? 0) + 1;
        }
      }),
    );
    const elapsedMs = performance.now() - startedAt;
    agent.destroy();
    process.stdout.write(JSON.stringify({ byStatus, elapsedMs }), () => process.exit(0));
  `;
  const { output } = spawnScript(script, options);
  return output.then((stdout) => JSON.parse(stdout) as ClosedLoopResult);
}
