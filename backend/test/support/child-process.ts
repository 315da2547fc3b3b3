import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const BACKEND = join(REPO_ROOT, 'backend');
const LIBRARY = join(BACKEND, 'libs', 'cache');

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  isolatedModules: true,
};

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) yield path;
  }
}

/**
 * The transpiled library as a package: its entries point into its sources, and the folder's
 * `node_modules` links to it, so that `nestjs-coherent-cache` resolves to the transpiled code.
 */
async function linkLibraryPackage(outDir: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(LIBRARY, 'package.json'), 'utf8')) as {
    name: string;
  };
  const exports = Object.fromEntries(
    ['testing', 'health', 'throttler'].map((entry) => [`./${entry}`, `./src/${entry}/index.js`]),
  );
  await writeFile(
    join(outDir, 'libs', 'cache', 'package.json'),
    JSON.stringify({
      name: manifest.name,
      type: 'module',
      exports: { '.': './src/index.js', ...exports },
    }),
  );
  await mkdir(join(outDir, 'node_modules'), { recursive: true });
  await symlink(join(outDir, 'libs', 'cache'), join(outDir, 'node_modules', manifest.name), 'dir');
}

/**
 * Transpiles the cache library and the test support files to JavaScript (file by file, no type
 * check: a second at most) into a folder under `node_modules/.cache`, where Node resolves the
 * project's dependencies. Child processes then run the real library code. Returns the folder.
 */
export async function transpileForChildren(): Promise<string> {
  const outDir = join(
    REPO_ROOT,
    'node_modules',
    '.cache',
    `children-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  for (const dir of [join(LIBRARY, 'src'), join(BACKEND, 'test', 'support')]) {
    for await (const file of tsFiles(dir)) {
      const source = await readFile(file, 'utf8');
      const output = ts.transpileModule(source, {
        compilerOptions: COMPILER_OPTIONS,
        fileName: file,
      });
      const target = join(outDir, relative(BACKEND, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, output.outputText);
    }
  }
  await writeFile(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  await linkLibraryPackage(outDir);
  return outDir;
}

/** Removes a folder made by {@link transpileForChildren}. */
export async function removeTranspiled(outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
}

/** A child process that answers requests sent over IPC, one reply per request. */
export class ChildWorker {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: unknown) => void>();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: { id: number; reply: unknown }) => {
      this.pending.get(message.id)?.(message.reply);
      this.pending.delete(message.id);
    });
  }

  /** Forks `script` (a `.js` file in the transpiled folder) with `env`, and waits for its "ready". */
  static async start(script: string, env: Record<string, string>): Promise<ChildWorker> {
    const child = fork(script, [], {
      env: { ...process.env, ...env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new ChildWorker(child);
    await worker.request({ type: 'ready' });
    return worker;
  }

  /** Sends a request and waits for its reply. */
  request<R>(body: Record<string, unknown>, timeoutMs = 30_000): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child did not answer ${String(body.type)}`)),
        timeoutMs,
      );
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply as R);
      });
      this.child.send({ id, ...body });
    });
  }

  /** Asks the child to close and waits for it to exit (killed after 5 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    this.child.send({ id: 0, type: 'exit' });
    await exited;
    clearTimeout(killer);
  }
}
