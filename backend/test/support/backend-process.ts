import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { productEnv } from './product-user.js';
import { sleep } from './wait-for.js';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A compiled copy of the backend (inside the repository, so that node_modules resolve). */
export interface BackendBuild {
  mainPath: string;
  remove(): Promise<void>;
}

/** Compiles the backend with `tsconfig.build.json` into a fresh folder under `dist/`. */
export async function buildBackend(): Promise<BackendBuild> {
  const outDir = join(repoRoot, 'dist', `e2e-${process.pid}-${Date.now()}`);
  await execFileAsync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
    ],
    { cwd: repoRoot, timeout: 120_000 },
  );
  return {
    mainPath: join(outDir, 'main.js'),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}

/** A backend running as its own operating-system process. */
export interface BackendProcess {
  baseUrl: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `node main.js` with `env` on a free port (working directory: the build folder, so that
 * no `.env` is read) and waits until `GET /` answers.
 */
export async function startBackendProcess(
  build: BackendBuild,
  env: Record<string, string>,
): Promise<BackendProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [build.mainPath], {
    cwd: dirname(build.mainPath),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      ...(await productEnv(env)),
      PORT: String(port),
    },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('backend did not start');
    }
    await sleep(50);
  }
  return {
    baseUrl,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The compiled backend entry point that `npm run build` writes (`npm test` builds first). */
export const BACKEND_MAIN = join(repoRoot, 'dist', 'main.js');

/** A backend process whose output and exit code the test reads. */
export interface SpawnedBackend {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (`null` when ended by a signal). */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns `node <mainPath>` with `env` added to a clean environment, from a folder without
 * `.env`, without waiting for it to listen. In an ACL run, pass `env` through `productEnv` first
 * to log in as a product user.
 */
export function spawnBackend(env: Record<string, string>, mainPath = BACKEND_MAIN): SpawnedBackend {
  const child = spawn(process.execPath, [mainPath], {
    cwd: join(repoRoot, 'backend', 'test'),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
