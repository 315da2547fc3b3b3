import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback that forwards to `127.0.0.1:<targetPort>` and holds every chunk, in
 * both directions, for `delayMs` before passing it on (order kept). Set `delayMs` at any time:
 * a slow network between the app and Redis, without touching either.
 */
export class LatencyProxy {
  /** Added delay per chunk and direction, in ms. */
  delayMs = 0;
  private readonly sockets = new Set<Socket>();

  private readonly server: Server;
  private portNumber = 0;

  private constructor(targetPort: number) {
    this.server = createServer((client) => this.pipe(client, targetPort));
  }

  /** Starts a proxy on a free port in front of `127.0.0.1:<targetPort>`. */
  static async start(targetPort: number): Promise<LatencyProxy> {
    const proxy = new LatencyProxy(targetPort);
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

  /** Closes the listener and every proxied connection. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket, targetPort: number): void {
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
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  /** Passes chunks from `from` to `to`, each after the delay in force when it arrived, in order. */
  private forward(from: Socket, to: Socket): void {
    const queue: { chunk: Buffer; atMs: number }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.atMs ?? Infinity) <= now) {
        const head = queue.shift();
        if (head && !to.destroyed) to.write(head.chunk);
      }
      const next = queue[0];
      if (next) timer = setTimeout(flush, Math.max(0, next.atMs - now));
    };
    from.on('data', (chunk: Buffer) => {
      if (this.delayMs <= 0 && queue.length === 0) {
        to.write(chunk);
        return;
      }
      const last = queue[queue.length - 1];
      queue.push({ chunk, atMs: Math.max(Date.now() + this.delayMs, last?.atMs ?? 0) });
      if (!timer) flush();
    });
    from.once('close', () => clearTimeout(timer));
  }
}
