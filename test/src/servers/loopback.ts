import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real `node:http` server on 127.0.0.1, on a port the system picks, for adapter tests: it
 * counts the requests each route saw, so a test proves that a fast-fail sent nothing.
 *
 * Routes (the query is ignored for counting):
 * - `/ok`: 200 `{ "ok": true }`;
 * - `/status/<code>`: that status with `{ "status": <code> }`; `?retry-after=<value>` adds a
 *   `Retry-After` header;
 * - `/json-error`: 200 with an exchange-style error body,
 *   `{ "error": ["EService:Unavailable"], "result": {} }` (Kraken answers errors this way);
 * - `/hang`: never answers; the request ends when the client aborts or the server closes;
 * - `/gate`: held until {@link LoopbackServer.openGate}, then 200 `{ "ok": true }`;
 * - `/reset`: destroys the socket without answering (a connection reset);
 * - `/echo`: 200 with the request's method, headers and body as JSON;
 * - anything else: 404.
 */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`: also the default breaker key of its URLs. */
  readonly origin: string;
  /** The absolute URL of `path` (which may carry a query). */
  url(path: string): string;
  /** Requests seen on `path` (without query), or on every route when omitted. */
  hits(path?: string): number;
  /** Resolves once `path` has seen `count` requests in total. */
  waitForHits(path: string, count: number): Promise<void>;
  /** Answers every held `/gate` request, and any later one at once. */
  openGate(): void;
  /** Destroys every connection (held requests included) and stops listening. */
  close(): Promise<void>;
}

/** The exchange-style error body `/json-error` answers with HTTP 200. */
export const jsonErrorBody = Object.freeze({ error: ['EService:Unavailable'], result: {} });

/**
 * Starts a {@link LoopbackServer}. Close it in `afterEach`/`afterAll`.
 * @example
 * ```ts
 * const server = await startLoopbackServer();
 * await fetch(server.url('/status/503?retry-after=30'));
 * expect(server.hits('/status/503')).toBe(1);
 * await server.close();
 * ```
 */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  const counts = new Map<string, number>();
  const waiters = new Set<{ path: string; count: number; resolve: () => void }>();
  const gate: ServerResponse[] = [];
  let gateOpen = false;
  let total = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback.invalid');
    const path = url.pathname;
    total++;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    for (const waiter of waiters) {
      if ((counts.get(waiter.path) ?? 0) >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
    route(req, res, path, url.searchParams);
  });

  function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status !== null) {
      const headers: Record<string, string> = {};
      const retryAfter = query.get('retry-after');
      if (retryAfter !== null) headers['retry-after'] = retryAfter;
      return json(res, Number(status[1]), { status: Number(status[1]) }, headers);
    }
    switch (path) {
      case '/ok':
        return json(res, 200, { ok: true });
      case '/json-error':
        return json(res, 200, jsonErrorBody);
      case '/hang':
        // Drain the request so the client sees it sent; never answer.
        req.resume();
        return;
      case '/gate':
        if (gateOpen) return json(res, 200, { ok: true });
        gate.push(res);
        return;
      case '/reset':
        req.socket.destroy();
        return;
      case '/echo': {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => {
          body += chunk;
        });
        req.on('end', () => json(res, 200, { method: req.method, headers: req.headers, body }));
        return;
      }
      default:
        return json(res, 404, { error: 'not found' });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    hits: (path) => (path === undefined ? total : (counts.get(path) ?? 0)),
    waitForHits(path, count) {
      if ((counts.get(path) ?? 0) >= count) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.add({ path, count, resolve });
      });
    },
    openGate() {
      gateOpen = true;
      for (const res of gate.splice(0)) json(res, 200, { ok: true });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
