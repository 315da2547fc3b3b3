/**
 * The acceptance test of the package: packs `nestjs-coherent-cache`, installs the tarball in a
 * fresh Nest 12 ES-module application with the peers from the registry, compiles it with `tsc`
 * under `strict`, boots it against a Redis of its own and checks its routes over HTTP, then runs
 * the application's own Jest spec (which uses `nestjs-coherent-cache/testing`, no Redis).
 *
 * Not an `*.e2e.spec.ts`: the ACL run does not run it (the application logs in as the default
 * user).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { RedisServer } from '../support/redis-server.js';
import { freePort } from '../support/free-port.js';
import {
  CONSUMER_THROTTLE_LIMIT,
  consumerFiles,
  type ConsumerVersions,
} from './consumer-app.sources.js';

const REPO_ROOT = process.cwd();
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runtime dependencies of the consumer, at the root `package.json`'s versions. */
const RUNTIME = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/terminus',
  '@nestjs/throttler',
  'ioredis',
  'rxjs',
  'reflect-metadata',
  '@opentelemetry/api',
];
const DEVELOPMENT = [
  '@nestjs/testing',
  'typescript',
  'jest',
  'ts-jest',
  '@types/node',
  '@types/jest',
];

interface RunResult {
  code: number | null;
  output: string;
  seconds: number;
}

/** Runs a command to its end, output captured (stdout and stderr interleaved). */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  const startedAt = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolvePromise({ code, output, seconds: (performance.now() - startedAt) / 1000 }),
    );
  });
}

/** Fails with the command's output unless it exited with 0. */
async function runOk(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`${label} exited with ${result.code}:\n${result.output}`);
  }
  return result;
}

/** Settings of the npm running this test that the consumer's npm keeps (its cache, registry). */
const KEPT_NPM_SETTINGS = new Set([
  'npm_config_cache',
  'npm_config_registry',
  'npm_config_userconfig',
]);

/**
 * The environment of npm in a child: without the variables of the npm running this test (its
 * package, lifecycle and prefixes, which would point the consumer's npm at the repository).
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('npm_') || KEPT_NPM_SETTINGS.has(lower)) env[name] = value;
  }
  return env;
}

async function rootVersions(): Promise<ConsumerVersions> {
  const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const versionOf = (name: string): string => {
    const version = root.dependencies[name] ?? root.devDependencies[name];
    if (!version) throw new Error(`the root package.json does not list ${name}`);
    return version;
  };
  return {
    dependencies: Object.fromEntries(RUNTIME.map((name) => [name, versionOf(name)])),
    devDependencies: Object.fromEntries(DEVELOPMENT.map((name) => [name, versionOf(name)])),
  };
}

interface HttpAnswer {
  status: number;
  xCache: string | null;
  body: unknown;
}

async function get(port: number, path: string): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, xCache: response.headers.get('x-cache'), body };
}

/** Starts `node dist/main.js` and resolves once it printed `listening`. */
function boot(dir: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { ...npmEnv(), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes('listening')) {
        clearTimeout(timer);
        resolvePromise({ child, output: () => output });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

const fixed = (seconds: number) => `${seconds.toFixed(1)} s`;

describe('the packed nestjs-coherent-cache in a fresh Nest 12 application', () => {
  let redis: RedisServer;
  let dir: string;
  let app: ChildProcess | undefined;
  const timings: string[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    dir = await mkdtemp(join(tmpdir(), 'consumer-app-'));
  });

  afterAll(async () => {
    if (app && app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (timings.length > 0) console.log(`consumer app: ${timings.join('; ')}`);
  });

  it('packs, installs, compiles under strict, serves its routes and passes its own test', async () => {
    // 1. The tarball, as published.
    const pack = await runOk('npm run pack', NPM, ['run', 'pack'], REPO_ROOT, npmEnv());
    const tarballLine = pack.output
      .split('\n')
      .map((line) => line.trim())
      .find((line) => /^dist-pack\/.+\.tgz$/.test(line));
    expect(tarballLine).toBeDefined();
    const tarball = resolve(REPO_ROOT, tarballLine ?? '');
    timings.push(`npm run pack ${fixed(pack.seconds)}`);

    // 2. The application's files, and its install from the registry (the npm cache first).
    const files = consumerFiles({
      tarball,
      versions: await rootVersions(),
      redisUrl: redis.url,
      keyPrefix: 'consumer',
    });
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    const installArgs = [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ];
    // One more attempt after a failed install: the registry is a network away.
    const install = await run(NPM, installArgs, dir, npmEnv()).then((first) =>
      first.code === 0 ? first : runOk('npm install', NPM, installArgs, dir, npmEnv()),
    );
    timings.push(`npm install ${fixed(install.seconds)}`);

    // 3. tsc under strict: any error fails the test, printed.
    const tsc = await run(
      process.execPath,
      [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      dir,
    );
    if (tsc.code !== 0) throw new Error(`tsc reported errors:\n${tsc.output}`);
    timings.push(`tsc ${fixed(tsc.seconds)}`);

    // 4. Boot on a free port.
    const port = await freePort();
    const bootStartedAt = performance.now();
    const booted = await boot(dir, port);
    app = booted.child;
    timings.push(`boot ${fixed((performance.now() - bootStartedAt) / 1000)}`);

    // 5. The checks over HTTP.
    const checksStartedAt = performance.now();
    // On a loaded machine a store can miss its deadline and be dropped (the next request misses
    // again): ask until the entry is there.
    const first = await get(port, '/products/42');
    expect([first.status, first.xCache]).toEqual([200, 'MISS']);
    let lastMiss = first;
    let missCount = 1;
    let hit: HttpAnswer | undefined;
    for (let attempt = 0; attempt < 20 && hit === undefined; attempt += 1) {
      const answer = await get(port, '/products/42');
      if (answer.xCache === 'HIT') hit = answer;
      else {
        expect([answer.status, answer.xCache]).toEqual([200, 'MISS']);
        lastMiss = answer;
        missCount += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect([hit?.status, hit?.xCache]).toEqual([200, 'HIT']);
    expect(hit?.body).toEqual(lastMiss.body);

    // The service method: its body runs until one result is stored, then no more.
    let quote = await get(port, '/quotes/sku-1');
    let repeated = false;
    for (let attempt = 0; attempt < 20 && !repeated; attempt += 1) {
      const again = await get(port, '/quotes/sku-1');
      repeated = JSON.stringify(again.body) === JSON.stringify(quote.body);
      quote = again;
    }
    expect(repeated).toBe(true);
    expect(quote.body).toMatchObject({ quote: { sku: 'sku-1', cents: 1_250 } });
    const serviceCalls = (quote.body as { calls: number }).calls;

    const visitsOne = await get(port, '/visits');
    const visitsTwo = await get(port, '/visits');
    expect(visitsOne.body).toEqual({ visits: 1, greeting: 'hello' });
    expect(visitsTwo.body).toEqual({ visits: 2, greeting: 'hello' });
    expect(await redis.cli('EXISTS', 'consumer:visits')).toBe('1');

    const health = await get(port, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { redis: { status: 'up' } } });

    const statuses: number[] = [];
    for (let i = 0; i <= CONSUMER_THROTTLE_LIMIT; i += 1) {
      statuses.push((await get(port, '/limited')).status);
    }
    expect(statuses).toEqual([...Array<number>(CONSUMER_THROTTLE_LIMIT).fill(200), 429]);
    timings.push(
      `checks ${fixed((performance.now() - checksStartedAt) / 1000)}: MISS then HIT ` +
        `(misses before the hit ${missCount}), service method body runs ${serviceCalls}, ` +
        `RedisService + CacheService route, /health 200 redis up, ` +
        `429 after ${CONSUMER_THROTTLE_LIMIT}`,
    );

    // 6. SIGTERM: the application closes and exits with 0.
    const stopStartedAt = performance.now();
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolvePromise) =>
      booted.child.once('exit', (code, signal) => resolvePromise([code, signal])),
    );
    booted.child.kill('SIGTERM');
    const [code, signal] = await exited;
    if (code !== 0) {
      throw new Error(`SIGTERM: exited with ${code ?? signal}:\n${booted.output()}`);
    }
    timings.push(`SIGTERM exit 0 in ${fixed((performance.now() - stopStartedAt) / 1000)}`);

    // 7. The application's own Jest spec (CacheTestingModule, no Redis).
    const jest = await run(
      process.execPath,
      ['--experimental-vm-modules', join('node_modules', 'jest', 'bin', 'jest.js'), '--ci'],
      dir,
      npmEnv(),
    );
    if (jest.code !== 0) throw new Error(`the app's jest failed:\n${jest.output}`);
    expect(jest.output).toMatch(/Tests:\s+1 passed, 1 total/);
    timings.push(`app's jest ${fixed(jest.seconds)}`);
  }, 600_000);
});
