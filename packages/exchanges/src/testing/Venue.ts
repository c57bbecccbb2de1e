import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Clock } from '@breakwater/core';
import type { EndpointGroup } from '../types.ts';
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
  /** The presets' endpoint group of a request, which incidents' `scope` matches. */
  groupOf(request: SimRequest): EndpointGroup;
  handle(request: SimRequest): SimReply;
}

/** Cloudflare's own 5xx codes and the titles of their pages. */
const cloudflareTitles: Readonly<Record<number, string>> = {
  520: 'Web server is returning an unknown error',
  521: 'Web server is down',
  522: 'Connection timed out',
  523: 'Origin is unreachable',
  524: 'A timeout occurred',
  525: 'SSL handshake failed',
  526: 'Invalid SSL certificate',
  530: 'Origin DNS error',
};

/**
 * An HTML error page like the CDN in front of the exchange sends: nginx-style for the usual
 * statuses, Cloudflare's "Error code 5xx" page for its own codes (what the presets read as a
 * timeout for 522 and 524).
 */
export function htmlPage(status: number, server: string): string {
  const cloudflare = cloudflareTitles[status];
  if (server === 'cloudflare' && cloudflare !== undefined) {
    return `<!DOCTYPE html>\r\n<html>\r\n<head><title>${status}: ${cloudflare}</title></head>\r\n<body>\r\n<h1>${cloudflare}</h1>\r\n<p>Error code ${status}</p>\r\n<p>Performance &amp; security by cloudflare</p>\r\n</body>\r\n</html>\r\n`;
  }
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}
