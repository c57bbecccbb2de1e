import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Clock } from '@breakwater/core';
import type { SimMarket } from './SimMarket.ts';
import type { SimStats } from './SimStats.ts';
import type { Timeline } from './Timeline.ts';
import type { SimExchangeId } from './types.ts';
import type { StreamProtocol } from './ws/StreamProtocol.ts';

/** An HTTP request as a venue reads it: query and form or JSON body merged into `params`. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The client's address: Binance counts weight per IP. */
  readonly ip: string;
}

/** A venue's answer. */
export interface SimReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body. */
  readonly json?: unknown;
  /** An HTML body (CDN error pages). */
  readonly html?: string;
  /** Never answer: the client's own timeout ends the request. */
  readonly hang?: boolean;
}

/** What a venue works with. */
export interface VenueContext {
  readonly clock: Clock;
  readonly timeline: Timeline;
  readonly market: SimMarket;
  readonly stats: SimStats;
}

/** One simulated exchange: its REST routes and its market stream. */
export interface Venue {
  readonly id: SimExchangeId;
  /** Hosts of the real exchange whose URLs {@link ExchangeSim.redirect} rewrites. */
  readonly hosts: readonly string[];
  /** Path of the market stream, `/v2` or `/ws`. */
  readonly wsPath: string;
  readonly stream: StreamProtocol;
  handle(request: SimRequest): SimReply;
}

/** An HTML error page like the CDN in front of the exchange sends. */
export function htmlPage(status: number, server: string): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}
