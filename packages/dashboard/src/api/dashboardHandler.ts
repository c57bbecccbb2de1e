import type { IncomingMessage, ServerResponse } from 'node:http';
import { readAsset } from './assets.ts';
import { breakerRoutes } from './breakerRoutes.ts';
import { EventStream } from './EventStream.ts';
import { bearerMatches, sendError, sendJson, sendText, tokenDigest } from './http.ts';
import { LazyMetrics } from './LazyMetrics.ts';
import { type DashboardOptions, resolveDashboardOptions } from './resolveDashboardOptions.ts';
import type { RouteMatch, RouteTable } from './routes.ts';

/**
 * The dashboard's `(req, res, next?)` request handler for `node:http` and the frameworks built
 * on it; `close()` ends the open event streams.
 */
export interface DashboardHandler {
  /**
   * Answers a request for one of the dashboard's routes. Any other path goes to `next()` when
   * given (Express, Connect, Fastify's middie), or gets a 404.
   */
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** Ends every `GET /events` stream and drops the handler's subscriptions. Idempotent. */
  close(): void;
  /** `using handler = dashboardHandler(…)`: the same as `close()`. */
  [Symbol.dispose](): void;
}

const pageCsp =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Creates the dashboard's REST API, event stream and page as one `(req, res)` handler,
 * framework-agnostic: mount it in `node:http`'s `createServer()`, Express (`app.use('/ops',
 * handler)`), Fastify or Hono on Node (see the README). Routes:
 *
 * - `GET /` the live page; `GET /assets/…` its files;
 * - `GET /health` the monitor's report and the breakers' aggregate (503 when `unhealthy`);
 * - `GET /metrics` Prometheus text; `GET /alerts` the monitor's alerts (`?active=true`);
 * - `GET /events` Server-Sent Events: transitions, alerts, health, breaker figures;
 * - `GET /circuit-breakers`, `GET /circuit-breakers/:name`, `GET /circuit-breakers/:name/config`;
 * - `POST /circuit-breakers/:name/reset`, `…/force-open`, `…/disable`,
 *   `POST /circuit-breakers/reset-all`, `PUT /circuit-breakers/:name/config`: these need
 *   `Authorization: Bearer <token>`, and are refused without a `token` or with `readOnly`.
 *
 * Names in paths are URL-encoded (`/circuit-breakers/https%3A%2F%2Fapi.kraken.com`). Errors
 * are JSON `{ error, message }`: 400 bad input, 401 no or wrong token, 403 read-only,
 * 404 unknown route or breaker, 405 wrong method (with `Allow`), 413 body too large.
 *
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * const handler = dashboardHandler({ registry, monitor, token: process.env.DASHBOARD_TOKEN });
 * createServer(handler).listen(9464, '127.0.0.1');
 * ```
 */
export function dashboardHandler(options?: DashboardOptions): DashboardHandler {
  const o = resolveDashboardOptions(options, tokenDigest);
  const events = new EventStream(
    o.registry,
    o.monitor,
    o.clock,
    o.sampleIntervalMs,
    o.maxEventClients,
    o.maxLiveBreakers,
  );
  const metrics = new LazyMetrics(o);
  const breakers = breakerRoutes(o);

  function route(segments: readonly string[]): RouteMatch | undefined {
    const [first, second] = segments;
    if (first === 'circuit-breakers') return breakers(segments.slice(1));
    if (segments.length === 1) {
      switch (first) {
        case '':
          return { table: { GET: (_req, res) => page(res) }, params: [] };
        case 'health':
          return { table: { GET: (_req, res) => health(res) }, params: [] };
        case 'metrics':
          return { table: { GET: (_req, res) => metrics.serve(res) }, params: [] };
        case 'alerts':
          return { table: { GET: (req, res) => alerts(req, res) }, params: [] };
        case 'events':
          return { table: { GET: (req, res) => stream(req, res) }, params: [] };
      }
      return undefined;
    }
    if (first === 'assets' && segments.length === 2) {
      return { table: { GET: (_req, res) => asset(res, second!) }, params: [] };
    }
    return undefined;
  }

  function page(res: ServerResponse): void {
    const file = readAsset('index.html')!;
    sendText(res, 200, file.contentType, file.body, { 'content-security-policy': pageCsp });
  }

  function asset(res: ServerResponse, name: string): void {
    const file = readAsset(name);
    if (file === undefined) {
      sendError(res, 404, 'not_found', 'No such asset.');
      return;
    }
    sendText(res, 200, file.contentType, file.body);
  }

  function health(res: ServerResponse): void {
    const breakers = o.registry.health();
    const report = o.monitor?.report();
    // Breakers only ever make the answer `degraded`: an exchange being down is no reason for
    // an orchestrator to restart this process, which would only lose the breakers' state.
    let status = report?.status ?? 'healthy';
    if (status === 'healthy' && breakers.status !== 'healthy') status = 'degraded';
    sendJson(res, status === 'unhealthy' ? 503 : 200, {
      status,
      at: o.clock.now(),
      checks: report?.checks ?? [],
      breakers,
    });
  }

  function alerts(req: IncomingMessage, res: ServerResponse): void {
    const active = new URL(req.url ?? '/', 'http://x').searchParams.get('active') === 'true';
    sendJson(res, 200, { alerts: o.monitor?.alerts({ activeOnly: active }) ?? [] });
  }

  function stream(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' }).end();
      return;
    }
    if (closed) {
      sendError(res, 503, 'closed', 'The dashboard is shutting down.');
      return;
    }
    if (events.full) {
      sendError(res, 503, 'too_many_streams', 'Too many event streams are open.', {
        'retry-after': '5',
      });
      return;
    }
    events.add(res, corsHeaders(req));
  }

  function corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin === undefined || !o.corsOrigins.has(origin)) return {};
    return { 'access-control-allow-origin': origin, vary: 'origin' };
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    next?: (error?: unknown) => void,
  ): Promise<void> {
    if (o.allowedHosts !== undefined && !o.allowedHosts.has(hostName(req.headers.host))) {
      req.resume();
      sendError(res, 421, 'unknown_host', 'This dashboard does not answer for that host name.');
      return;
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    let path = query === -1 ? url : url.slice(0, query);
    if (o.basePath !== '') {
      if (path === o.basePath) path = '';
      else if (path.startsWith(`${o.basePath}/`)) path = path.slice(o.basePath.length);
      else return pass(res, next);
    }
    // Mounted at `/ops`, the page must be `/ops/` for its relative URLs to stay inside. Express
    // passes both `/ops` and `/ops/` as `/`, and keeps what was asked in `originalUrl`.
    const original = (req as { originalUrl?: unknown }).originalUrl;
    const asked = typeof original === 'string' ? original.split('?')[0]! : undefined;
    if (path === '' || (path === '/' && asked !== undefined && !asked.endsWith('/'))) {
      const here = asked ?? o.basePath;
      // Never `//host/`: a protocol-relative Location would send the browser to another site.
      res.writeHead(308, { location: `${here.replace(/^\/+/, '/')}/` }).end();
      return;
    }
    let segments: string[];
    try {
      segments = path.slice(1).split('/').map(decodeURIComponent);
    } catch {
      return sendError(res, 400, 'bad_path', 'The path is not valid URL encoding.');
    }
    const found = route(segments);
    if (found === undefined) return pass(res, next);
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const cors = corsHeaders(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    const allowed = Object.keys(found.table);
    if (method === 'OPTIONS' && cors['access-control-allow-origin'] !== undefined) {
      res
        .writeHead(204, {
          'access-control-allow-methods': allowed.join(', '),
          'access-control-allow-headers': 'authorization, content-type',
          'access-control-max-age': '600',
        })
        .end();
      return;
    }
    const handler = found.table[method as keyof RouteTable];
    if (handler === undefined) {
      req.resume();
      return sendError(res, 405, 'method_not_allowed', `Use ${allowed.join(' or ')}.`, {
        allow: allowed.join(', '),
      });
    }
    if (method !== 'GET') {
      if (o.readOnly || o.tokenDigest === undefined) {
        req.resume();
        return sendError(
          res,
          403,
          'read_only',
          o.readOnly
            ? 'The dashboard is read-only.'
            : 'The dashboard is read-only: no token is configured.',
        );
      }
      if (!bearerMatches(req.headers.authorization, o.tokenDigest)) {
        req.resume();
        return sendError(res, 401, 'unauthorized', 'Send Authorization: Bearer <token>.', {
          'www-authenticate': 'Bearer realm="breakwater"',
        });
      }
    }
    // Only PUT reads a body; any other is drained so the connection can serve the next request.
    if (method !== 'PUT') req.resume();
    await handler(req, res, found.params);
  }

  function pass(res: ServerResponse, next: ((error?: unknown) => void) | undefined): void {
    if (next !== undefined) next();
    else sendError(res, 404, 'not_found', 'No such route.');
  }

  let closed = false;
  const handler = ((req, res, next) => {
    handle(req, res, next).catch(() => {
      // Never the error itself: it may hold what a client sent or a dependency said.
      if (!res.headersSent) sendError(res, 500, 'internal', 'The dashboard failed to answer.');
      else res.destroy();
    });
  }) as DashboardHandler;
  handler.close = () => {
    if (closed) return;
    closed = true;
    events.close();
    metrics.dispose();
  };
  handler[Symbol.dispose] = handler.close;
  return handler;
}

/** The host name of a `Host` header, lower-case and without port (`[::1]` keeps its brackets). */
function hostName(host: string | undefined): string {
  if (host === undefined) return '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name.toLowerCase();
}
