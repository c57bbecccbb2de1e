import { Agent } from 'node:http';
import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import { BinanceWeight } from './binance/BinanceWeight.ts';
import { binanceBalances, binanceMarkets } from './binance/binanceMarkets.ts';
import { binanceVenue } from './binance/binanceRest.ts';
import { krakenBalances, krakenMarkets } from './kraken/krakenMarkets.ts';
import { krakenVenue } from './kraken/krakenRest.ts';
import {
  checkIncident,
  type ResolvedExchangeSimOptions,
  resolveExchangeSimOptions,
} from './resolveExchangeSimOptions.ts';
import { SimMarket } from './SimMarket.ts';
import { SimServer } from './SimServer.ts';
import { SimStats } from './SimStats.ts';
import { Timeline } from './Timeline.ts';
import type { ExchangeSim, ExchangeSimOptions, SimExchangeId, SimIncident } from './types.ts';
import type { Venue, VenueContext } from './Venue.ts';
import { StreamHub } from './ws/StreamHub.ts';

interface Running {
  readonly venue: Venue;
  readonly context: VenueContext;
  readonly hub: StreamHub;
  readonly server: SimServer;
  readonly weight: BinanceWeight | undefined;
}

function createVenue(
  id: SimExchangeId,
  context: VenueContext,
  options: ResolvedExchangeSimOptions,
  weight: BinanceWeight | undefined,
): Venue {
  if (id === 'kraken') return krakenVenue(context, options.kraken);
  const { pingIntervalMs: intervalMs, pongTimeoutMs: timeoutMs } = options.binance;
  return binanceVenue(context, weight, { intervalMs, timeoutMs });
}

/** Replaces the origin of every URL of `hosts` in `value` (nested objects too) with `origin`. */
function rewrite(value: unknown, hosts: readonly string[], origin: URL): unknown {
  if (typeof value === 'string') {
    const match = /^(https?|wss?):\/\/([^/:]+)(:\d+)?(.*)$/.exec(value);
    if (match === null || !hosts.includes(match[2]!)) return value;
    const scheme = match[1]!.startsWith('ws') ? 'ws' : 'http';
    return `${scheme}://${origin.host}${match[4]}`;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      (value as Record<string, unknown>)[key] = rewrite(inner, hosts, origin);
    }
  }
  return value;
}

/**
 * Starts a simulated Kraken and Binance on loopback: REST and market streams in each exchange's
 * real format, incidents scripted on a timeline of the given clock, and counters to assert on.
 * Each exchange gets its own `127.0.0.1` port. Node only.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const sim = await startExchangeSim({ exchanges: ['kraken'], clock });
 * const kraken = sim.redirect(new ccxt.kraken({ apiKey, secret }));
 * sim.incident({ exchange: 'kraken', type: 'rateLimited', durationMs: 10_000 });
 * await kraken.fetchBalance(); // rejects with ccxt's DDoSProtection (EAPI:Rate limit exceeded)
 * await clock.advance(10_000); // the incident is over
 * await sim.close();
 * ```
 * @throws BreakwaterConfigError on an invalid or unknown option
 */
export async function startExchangeSim(options: ExchangeSimOptions = {}): Promise<ExchangeSim> {
  const resolved = resolveExchangeSimOptions(options);
  const clock: Clock = resolved.clock;
  const running = new Map<SimExchangeId, Running>();
  const timeline = new Timeline(clock, (incident) => {
    const spec = incident.spec;
    if (spec.type === 'wsDrop') running.get(spec.exchange)?.hub.drop(spec.code);
  });

  for (const id of resolved.exchanges) {
    const market =
      id === 'kraken'
        ? new SimMarket(krakenMarkets, krakenBalances)
        : new SimMarket(binanceMarkets, binanceBalances);
    const context: VenueContext = { clock, timeline, market, stats: new SimStats() };
    const limit = resolved.binance.weightLimit;
    const weight =
      id === 'binance' && limit !== false
        ? new BinanceWeight(
            clock,
            limit,
            resolved.binance.banMs,
            resolved.binance.toleratedRateLimitCount,
          )
        : undefined;
    const venue = createVenue(id, context, resolved, weight);
    const hub = new StreamHub(id, venue.stream, context, resolved.tickIntervalMs);
    running.set(id, {
      venue,
      context,
      hub,
      server: new SimServer(venue, context, hub),
      weight,
    });
  }
  try {
    await Promise.all([...running.values()].map((r) => r.server.listen()));
  } catch (error) {
    await Promise.all([...running.values()].map((r) => r.server.close()));
    throw error;
  }

  const get = (exchange: SimExchangeId): Running => {
    const found = running.get(exchange);
    if (found === undefined) {
      throw new RangeError(
        `The simulator runs ${resolved.exchanges.join(', ')}, not ${String(exchange)}; add it to \`exchanges\`.`,
      );
    }
    return found;
  };
  let closed: Promise<void> | undefined;
  // A timer scheduled after close() would keep the process alive for nothing.
  const open = (): void => {
    if (closed !== undefined) throw new Error('The exchange simulator is closed.');
  };

  const sim: ExchangeSim = {
    exchanges: resolved.exchanges,
    get elapsedMs() {
      return timeline.elapsedMs();
    },
    url: (exchange) => get(exchange).server.origin,
    wsUrl: (exchange) => {
      const { server, venue } = get(exchange);
      return `${server.origin.replace('http', 'ws')}${venue.wsPath}`;
    },
    redirect(exchange) {
      const { server, venue } = get(exchange.id as SimExchangeId);
      const api = exchange.urls.api as Record<string, unknown> | undefined;
      rewrite(api, venue.hosts, new URL(server.origin));
      // ccxt pro refuses `ws://` URLs until it has an HTTP agent (`loadHttpProxyAgent()`);
      // a plain one is what that method would create.
      const pro = exchange as { httpAgent?: unknown };
      if (api?.ws !== undefined && 'httpAgent' in pro && pro.httpAgent === undefined) {
        pro.httpAgent = new Agent();
      }
      return exchange;
    },
    incident(spec): SimIncident {
      open();
      return timeline.add(checkIncident(spec, 'incident', resolved.exchanges));
    },
    timeline(specs) {
      open();
      if (!Array.isArray(specs)) {
        throw new BreakwaterConfigError('timeline', 'an array of incidents', specs);
      }
      const checked = specs.map((spec, i) =>
        checkIncident(spec, `timeline[${i}]`, resolved.exchanges),
      );
      return checked.map((spec) => timeline.add(spec));
    },
    activeIncidents: () => timeline.activeIncidents(),
    heal() {
      timeline.endAll();
      for (const r of running.values()) r.weight?.reset();
    },
    counters: (exchange) => get(exchange).context.stats.snapshot(),
    orders: (exchange) => get(exchange).context.market.orders.map((order) => ({ ...order })),
    setPrice(exchange, symbol, price) {
      const state = get(exchange).context.market.markets.get(symbol);
      if (state === undefined) throw new RangeError(`${exchange} has no market ${symbol}.`);
      if (!(price > 0) || !Number.isFinite(price))
        throw new RangeError(`A price must be above 0, received ${price}.`);
      get(exchange).context.market.setPrice(state, price);
    },
    close() {
      closed ??= (async () => {
        timeline.dispose();
        for (const r of running.values()) r.hub.close();
        await Promise.all([...running.values()].map((r) => r.server.close()));
      })();
      return closed;
    },
  };
  return sim;
}
