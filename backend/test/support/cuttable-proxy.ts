import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of `127.0.0.1:<targetPort>` whose link can be cut: a network
 * blip between the app and Redis, without touching either. While cut, every proxied connection
 * is dropped and every new one is reset as soon as it arrives (the client sees the link down
 * and reconnects in vain); `restore()` lets connections through again.
 */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private portNumber = 0;
  private cutNow = false;

  private constructor(targetPort: number) {
    this.server = createServer((client) => this.accept(client, targetPort));
  }

  /** Starts a proxy on a free port in front of `127.0.0.1:<targetPort>`. */
  static async start(targetPort: number): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(targetPort);
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
    return this.cutNow;
  }

  /** Drops every proxied connection and refuses new ones until {@link restore}. */
  cut(): void {
    this.cutNow = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  /** Lets connections through again. */
  restore(): void {
    this.cutNow = false;
  }

  /** Cuts the link, and restores it after `durationMs`. Resolves when it is restored. */
  async cutFor(durationMs: number): Promise<void> {
    this.cut();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    this.restore();
  }

  /** Closes the listener and every proxied connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    client.on('error', () => undefined);
    if (this.cutNow) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
