import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimStats } from './SimStats.ts';
import type { SimReply, SimRequest, Venue, VenueContext } from './Venue.ts';
import type { StreamHub } from './ws/StreamHub.ts';

/** Bodies over this are refused (413): exchange requests are small forms. */
const maxBodyBytes = 64 * 1024;

/** The query and a form or JSON body, merged as the exchanges read them. */
function paramsOf(url: URL, request: IncomingMessage, body: string): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  if (body === '') return params;
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [key, value] of Object.entries(parsed)) {
          params[key] = typeof value === 'string' ? value : JSON.stringify(value);
        }
      }
    } catch {
      // A body that is not JSON leaves only the query; the venue reports what is missing.
    }
    return params;
  }
  for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  return params;
}

/**
 * One exchange's loopback server: REST through its venue, WebSocket upgrades through its
 * stream hub. Binds 127.0.0.1 only, on a free port.
 */
export class SimServer {
  readonly #server: Server;
  readonly #venue: Venue;
  readonly #stats: SimStats;
  readonly #hanging = new Set<ServerResponse>();
  readonly #delayed = new Map<unknown, ServerResponse>();
  readonly #context: Pick<VenueContext, 'clock' | 'timeline'>;
  #origin = '';

  constructor(venue: Venue, context: VenueContext, hub: StreamHub) {
    this.#venue = venue;
    this.#stats = context.stats;
    this.#context = context;
    this.#server = createServer((request, response) => this.#receive(request, response));
    this.#server.on('upgrade', (request, socket, head) =>
      hub.upgrade(request, socket as never, head),
    );
    this.#server.on('clientError', (_error, socket) => socket.destroy());
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return this.#origin;
  }

  async listen(): Promise<void> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  #receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on('error', () => {});
    response.on('error', () => {});
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://sim');
      const route = `${request.method ?? 'GET'} ${url.pathname}`;
      if (size > maxBodyBytes) {
        this.#send(response, route, { status: 413, json: { error: 'body too large' } });
        return;
      }
      const simRequest: SimRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        params: paramsOf(url, request, Buffer.concat(chunks).toString('utf8')),
        headers: request.headers,
        ip: request.socket.remoteAddress ?? '127.0.0.1',
      };
      const reply = this.#venue.handle(simRequest);
      const { clock, timeline } = this.#context;
      const latency = timeline.active(this.#venue.id, 'latency', this.#venue.groupOf(simRequest));
      if (latency === undefined || reply.hang === true) {
        this.#send(response, route, reply);
        return;
      }
      // The answer is decided now and sent later, on the simulator's clock.
      const timer = clock.setTimeout(() => {
        this.#delayed.delete(timer);
        this.#send(response, route, reply);
      }, latency.delayMs);
      this.#delayed.set(timer, response);
    });
  }

  #send(response: ServerResponse, route: string, reply: SimReply): void {
    if (reply.hang === true) {
      // Counted as what the client sees: no answer. It waits until the client gives up.
      this.#stats.answered(route, 0);
      this.#hanging.add(response);
      response.on('close', () => this.#hanging.delete(response));
      return;
    }
    if (response.destroyed) return; // the client gave up while the answer was delayed
    this.#stats.answered(route, reply.status);
    const html = reply.html !== undefined;
    const body = html ? reply.html! : JSON.stringify(reply.json ?? {});
    response.writeHead(reply.status, {
      'content-type': html ? 'text/html' : 'application/json;charset=UTF-8',
      'content-length': String(Buffer.byteLength(body)),
      ...reply.headers,
    });
    response.end(body);
  }

  async close(): Promise<void> {
    for (const [timer, response] of this.#delayed) {
      this.#context.clock.clearTimeout(timer);
      response.destroy();
    }
    this.#delayed.clear();
    for (const response of this.#hanging) response.destroy();
    this.#hanging.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
