import { createServer } from 'node:net';

const handedOut = new Set<number>();

/** A TCP port that is free on 127.0.0.1 now and was not handed out before in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    // Cluster nodes also listen on port + 10000: keep both within range.
    if (port > 0 && port < 55000 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
