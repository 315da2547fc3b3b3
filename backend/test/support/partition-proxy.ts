import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * What happens to connections opened while the link is cut: `refuse` resets each one at once
 * (the client sees the connection fail and retries), `blackhole` accepts it and never answers
 * (the client waits for its own timeouts).
 */
export type PartitionMode = 'refuse' | 'blackhole';

/**
 * A TCP proxy on loopback in front of `127.0.0.1:<targetPort>` whose link can be cut for a
 * while, as a network partition between one process and Redis: {@link cut} drops every proxied
 * connection and refuses or blackholes new ones until {@link heal}.
 */
export class PartitionProxy {
  private readonly piped = new Set<Socket>();
  private readonly held = new Set<Socket>();
  private readonly server: Server;
  private portNumber = 0;
  private mode: PartitionMode | null = null;

  private constructor(private readonly targetPort: number) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Starts a proxy on a free port in front of `127.0.0.1:<targetPort>`. */
  static async start(targetPort: number): Promise<PartitionProxy> {
    const proxy = new PartitionProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy.portNumber = address.port;
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    return this.portNumber;
  }

  /** `redis://127.0.0.1:<proxy port>` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Whether the link is cut now. */
  get isCut(): boolean {
    return this.mode !== null;
  }

  /**
   * Drops every proxied connection (a reset) and treats new ones as `mode` says until healed.
   * With `keepOpen`, connections made before the cut stay up: only new ones are affected.
   */
  cut(mode: PartitionMode = 'refuse', { keepOpen = false }: { keepOpen?: boolean } = {}): void {
    this.mode = mode;
    if (keepOpen) return;
    for (const socket of this.piped) socket.resetAndDestroy();
    this.piped.clear();
  }

  /** Lets new connections through again; those held by a blackhole are dropped. */
  heal(): void {
    this.mode = null;
    for (const socket of this.held) socket.resetAndDestroy();
    this.held.clear();
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    this.heal();
    for (const socket of this.piped) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    if (this.mode === 'blackhole') {
      // Read and drop what the client sends, answer nothing.
      this.held.add(client);
      client.on('data', () => undefined);
      client.once('close', () => this.held.delete(client));
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.piped.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        this.piped.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
