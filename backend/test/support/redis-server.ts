import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ACL_SERVER_ARGS,
  ADMIN_CLI_ARGS,
  aclMode,
  productAclRules,
  productCredentials,
  type ProductCredentials,
} from './acl-mode.js';
import { freePort } from './free-port.js';

const execFileAsync = promisify(execFile);

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  args?: string[];
  /** A fixed port; by default a free one. */
  port?: number;
  /** Arguments given to `redis-cli` before the command (auth, TLS). */
  cliArgs?: string[];
  /** Skip the readiness PING. */
  skipReadyCheck?: boolean;
  /**
   * Serve TLS only, on the server's port, with this certificate; the CA is also used by
   * `cli()` to check it.
   */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /**
   * A configuration file given before the arguments. Sentinel needs one: it rewrites it to
   * remember what it discovered.
   */
  configFile?: string;
}

/** Servers of this test file that enforce the ACL run's users. */
const aclServers = new Set<RedisServer>();
/** `ACL SETUSER` commands of the product users granted so far; replayed when a server starts. */
const productUsers = new Map<string, string[]>();

/**
 * Creates (on every ACL-enforcing server of this test file, now and when one starts later) the
 * product user of key prefix `prefix` with the README's rules, and returns its credentials.
 * Outside an ACL run, returns `undefined`: the product connects as the default user.
 */
export async function grantProductUser(prefix: string): Promise<ProductCredentials | undefined> {
  if (!aclMode) return undefined;
  const credentials = productCredentials(prefix);
  const command = [
    'ACL',
    'SETUSER',
    credentials.username,
    'on',
    `>${credentials.password}`,
    ...productAclRules(prefix),
  ];
  productUsers.set(credentials.username, command);
  await Promise.all(
    [...aclServers].filter((s) => s.running && !s.isPaused).map((s) => s.cli(...command)),
  );
  return credentials;
}

/**
 * A `redis-server` process that a test owns: on a free port, in a temporary folder, never the
 * shared instance on 6379. It can be killed, paused, resumed and restarted on the same port.
 */
export class RedisServer {
  private process: ChildProcess | null = null;
  private paused = false;
  /** Whether this server enforces the ACL run's users (see `acl-mode.ts`). */
  private readonly acl: boolean;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {
    // A test that sets up users of its own, a Sentinel (which holds no data) and a server the
    // harness cannot talk to (a TLS server with a certificate it refuses) are left as they ask.
    const args = options.args ?? [];
    this.acl =
      aclMode &&
      !options.skipReadyCheck &&
      !args.includes('--user') &&
      !args.includes('--sentinel');
  }

  /** Starts a server and waits until it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const port = options.port ?? (await freePort());
    const dir = await mkdtemp(join(tmpdir(), `redis-${port}-`));
    const server = new RedisServer(port, dir, options);
    await server.launch();
    return server;
  }

  /** `redis://127.0.0.1:<port>`, or `rediss://…` for a TLS server. */
  get url(): string {
    return `${this.options.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process !== null;
  }

  /** Stopped with {@link pause} and not yet resumed. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Runs a `redis-cli` command against this server and returns its trimmed output. */
  async cli(...command: string[]): Promise<string> {
    const { stdout } = await execFileAsync(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(this.port), ...this.authCliArgs(), ...command],
      { timeout: 10_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout.trim();
  }

  /**
   * Runs many commands through one `redis-cli` (one command a line on its input) and returns
   * one reply a line, in order. For bulk checks such as `EXISTS` on thousands of keys.
   */
  async cliBatch(commands: readonly (readonly string[])[]): Promise<string[]> {
    if (commands.length === 0) return [];
    const input = commands.map((args) => args.map(quoteCliArg).join(' ')).join('\n') + '\n';
    const child = spawn(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(this.port), ...this.authCliArgs()],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.stdin.end(input);
    const code = await exited;
    if (code !== 0) throw new Error(`redis-cli exited with ${code}`);
    return output.trimEnd().split('\n');
  }

  /** SIGKILL: the server vanishes without a goodbye; its data is lost. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    if (this.paused) this.resume();
    this.process = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server keeps its sockets open but answers nothing (a hung Redis). */
  pause(): void {
    if (!this.process?.pid) throw new Error('server is not running');
    process.kill(this.process.pid, 'SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (!this.process?.pid || !this.paused) return;
    process.kill(this.process.pid, 'SIGCONT');
    this.paused = false;
  }

  /**
   * SIGTERM: Redis closes its clients and, with `--appendonly yes`, flushes its AOF before it
   * exits (an orderly restart, as an orchestrator does it).
   */
  async terminate(): Promise<void> {
    const child = this.process;
    if (!child) return;
    if (this.paused) this.resume();
    this.process = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /**
   * Starts the server again on the same port, in the same folder (an appendonly server reloads
   * its data). `graceful` stops it with SIGTERM instead of SIGKILL.
   */
  async restart({ graceful = false }: { graceful?: boolean } = {}): Promise<void> {
    if (graceful) await this.terminate();
    else await this.kill();
    await this.launch();
  }

  /** Stops the server (SIGKILL; nothing is kept on disk) and removes its folder. */
  async stop(): Promise<void> {
    aclServers.delete(this);
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** TLS and login arguments of `redis-cli` for this server. */
  authCliArgs(): string[] {
    const tls = this.options.tls;
    return [
      ...(tls ? ['--tls', '--cacert', tls.caFile, '--sni', 'localhost'] : []),
      ...(this.acl ? ADMIN_CLI_ARGS : []),
      ...(this.options.cliArgs ?? []),
    ];
  }

  private portArgs(): string[] {
    const tls = this.options.tls;
    if (!tls) return ['--port', String(this.port)];
    return [
      '--port',
      '0',
      '--tls-port',
      String(this.port),
      '--tls-cert-file',
      tls.certFile,
      '--tls-key-file',
      tls.keyFile,
      '--tls-ca-cert-file',
      tls.caFile,
      '--tls-auth-clients',
      'no',
    ];
  }

  private async launch(): Promise<void> {
    const args = [
      ...(this.options.configFile === undefined ? [] : [this.options.configFile]),
      ...this.portArgs(),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
      '--logfile',
      join(this.dir, 'redis.log'),
      ...(this.acl ? ACL_SERVER_ARGS : []),
      ...(this.options.args ?? []),
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', () => undefined);
    this.process = child;
    child.once('exit', () => {
      if (this.process === child) this.process = null;
    });
    if (this.options.skipReadyCheck) await this.waitUntilListening();
    else await this.waitUntilReady();
    if (this.acl) {
      aclServers.add(this);
      if (productUsers.size > 0) await this.cliBatch([...productUsers.values()]);
    }
  }

  /** Waits until the port accepts TCP connections (for servers no PING can check). */
  private async waitUntilListening(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      if (!this.process) throw new Error(`redis-server on port ${this.port} exited at start`);
      if (Date.now() > deadline)
        throw new Error(`redis-server on port ${this.port} did not listen`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async waitUntilReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if ((await this.cli('PING')) === 'PONG') return;
      } catch {
        // not up yet
      }
      if (!this.process) throw new Error(`redis-server on port ${this.port} exited at start`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Quotes one argument for a `redis-cli` input line. */
function quoteCliArg(arg: string): string {
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
