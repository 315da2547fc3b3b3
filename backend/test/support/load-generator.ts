import { spawn } from 'node:child_process';

/** One request of a load run. */
export interface LoadSample {
  /** Wall-clock time the request was sent (epoch ms, fractional). */
  startedAtMs: number;
  latencyMs: number;
  /** HTTP status, or 0 when the request failed at the network level. */
  status: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  baseUrl: string;
  /** Paths requested in turn. */
  paths: readonly string[];
  ratePerSecond: number;
  durationMs: number;
}

/**
 * Sends requests at a fixed rate from a separate Node process (so that the client does not share
 * the server's event loop), and returns one sample per request. `onStart` runs when the first
 * request is about to be sent, with its wall-clock time.
 */
export function runLoad(
  options: LoadOptions,
  onStart?: (startedAtMs: number) => void,
): Promise<LoadSample[]> {
  const script = `
    const { baseUrl, paths, ratePerSecond, durationMs } = JSON.parse(process.argv[1]);
    const samples = [];
    const pending = [];
    const origin = performance.timeOrigin;
    const start = performance.now();
    process.stderr.write('start ' + (origin + start) + '\\n');
    const total = Math.round((ratePerSecond * durationMs) / 1000);
    for (let i = 0; i < total; i += 1) {
      const due = start + (i * 1000) / ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      pending.push(
        fetch(baseUrl + paths[i % paths.length])
          .then(async (res) => {
            await res.arrayBuffer();
            samples.push([origin + sent, performance.now() - sent, res.status]);
          })
          .catch(() => samples.push([origin + sent, performance.now() - sent, 0])),
      );
    }
    await Promise.all(pending);
    process.stdout.write(JSON.stringify(samples));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const match = /start ([\d.]+)/.exec(chunk.toString());
      if (match && onStart) onStart(Number(match[1]));
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      const rows = JSON.parse(stdout) as [number, number, number][];
      resolve(rows.map(([startedAtMs, latencyMs, status]) => ({ startedAtMs, latencyMs, status })));
    });
  });
}
