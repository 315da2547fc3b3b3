import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ShutdownState } from './shutdown-state.service.js';

/**
 * While shutdown drains, every response asks the client to close its connection
 * (`Connection: close`), so that no keep-alive connection is idle, and then reused by a client,
 * at the moment the server closes. Works on Express and Fastify (both on `node:http`).
 */
export function closeConnectionsWhileDraining(app: INestApplication): void {
  const state = app.get(ShutdownState);
  const server = app.getHttpServer() as Server;
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (state.isShuttingDown && !response.headersSent) response.setHeader('Connection', 'close');
  });
}

/**
 * Stops accepting connections, then ends the drain: connections accepted a moment before get
 * `settleMs` to deliver their request (unlike `http.Server.close()`, which at once destroys
 * every connection that carries no request yet, resetting one whose request is on its way),
 * then idle keep-alive connections are closed, and in-flight requests get at most `timeoutMs`
 * to finish. The HTTP adapter's own close then finds nothing left to cut.
 */
export async function stopAcceptingConnections(
  server: Server,
  { settleMs, timeoutMs }: { settleMs: number; timeoutMs: number },
): Promise<void> {
  if (!server.listening) return;
  const ended = new Promise<void>((resolve) => {
    NetServer.prototype.close.call(server, () => resolve());
  });
  await Promise.race([ended, sleep(settleMs)]);
  server.closeIdleConnections();
  await Promise.race([ended, sleep(timeoutMs)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
