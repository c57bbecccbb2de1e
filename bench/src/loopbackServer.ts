import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback `node:http` server every adapter case requests: `GET /` answers a 2-byte JSON
 * body. One server serves every subject that holds it (started by the first `acquireServer()`,
 * closed by the last `releaseServer()`), so the implementations of a case differ only by what
 * they measure.
 */

/** The body the server answers; subjects check they read exactly this. */
export const loopbackBody = '{}';

let shared: { server: Server; url: string; users: number } | undefined;

/** Starts the server if needed and returns its URL (`http://127.0.0.1:<port>/`). */
export async function acquireServer(): Promise<string> {
  if (shared === undefined) {
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': loopbackBody.length,
      });
      res.end(loopbackBody);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    shared = { server, url: `http://127.0.0.1:${port}/`, users: 0 };
  }
  shared.users++;
  return shared.url;
}

/** Lets go of the server; the last holder closes it and its connections. */
export function releaseServer(): void {
  if (shared === undefined || --shared.users > 0) return;
  shared.server.closeAllConnections();
  shared.server.close();
  shared = undefined;
}
