import type { Clock } from '@breakwater/core';
import {
  type ExchangeSim,
  type SimIncidentSpec,
  startExchangeSim,
} from '@breakwater/exchanges/testing';
import type { ExchangeId, Incident } from './timeline.ts';

/**
 * Binance's request-weight limit per IP and minute in the simulator, for each bot on the IP:
 * 2 400 (Binance's is 6 000 today), so that the bot's own polling (about 930 a minute) stays
 * well under it, and the other job needs only a few requests to use up the rest.
 */
export const weightPerBot = 2_400;

/**
 * One simulator with Kraken and Binance on their own loopback ports, on the demo's clock, for
 * `bots` bots on one IP.
 */
export function startSimulator(clock: Clock, bots: number): Promise<ExchangeSim> {
  return startExchangeSim({
    exchanges: ['kraken', 'binance'],
    clock,
    tickIntervalMs: 500,
    binance: { weightLimit: weightPerBot * bots },
  });
}

/**
 * The simulator's script for one incident of the story, starting `offsetMs` after the
 * simulator started (its clock counts from its start, the story from after `loadMarkets`);
 * `undefined` for what the stage plays itself (`weight-exhausted`).
 */
export function simIncident(incident: Incident, offsetMs: number): SimIncidentSpec | undefined {
  const { exchange } = incident;
  const atMs = offsetMs + incident.atMs;
  const durationMs = incident.forMs;
  switch (incident.kind) {
    case 'server-errors':
      return { type: 'serverErrors', exchange, atMs, durationMs, status: 502 };
    case 'retry-after':
      // A server that knows when it is back says so.
      return { type: 'rateLimited', exchange, atMs, durationMs, retryAfterMs: durationMs };
    case 'kraken-rate-limit':
      return { type: 'rateLimited', exchange, atMs, durationMs, scope: incident.scope ?? 'all' };
    case 'maintenance':
      return { type: 'maintenance', exchange, atMs, durationMs, mode: 'maintenance' };
    case 'order-timeout':
      return { type: 'orderTimeout', exchange, atMs, durationMs, scope: 'order' };
    case 'ws-drop':
      return { type: 'wsDrop', exchange, atMs };
    case 'ws-silent':
      return { type: 'wsSilent', exchange, atMs, durationMs };
    case 'weight-exhausted':
      return undefined;
  }
}

/**
 * Another job on the bot's IP (a refresh of every market's 24-hour statistics) spends nearly
 * all of Binance's request weight for this minute, without going over: the bot's next requests
 * get the 429. `sent` is called for each of its requests, which are not the bot's.
 */
export async function exhaustWeight(
  sim: ExchangeSim,
  exchange: ExchangeId,
  binanceWeightLimit: number,
  sent: () => void,
): Promise<void> {
  const get = async (query: string): Promise<number> => {
    const response = await fetch(`${sim.url(exchange)}/api/v3/ticker/24hr${query}`);
    await response.arrayBuffer();
    sent();
    const used = Number(response.headers.get('x-mbx-used-weight-1m'));
    return response.ok && Number.isFinite(used) ? used : binanceWeightLimit;
  };
  // Every market's statistics weigh 80, then one market's 2: all at once, in two rounds, so
  // that it takes two round trips whatever the speed of the story. It stops 20 short of the
  // limit (the bot's own polling passes it within a second or two), and never goes over it:
  // 429s of its own would count toward a ban of the IP, the bot's too.
  const margin = 20;
  const round = async (weight: number, query: string, used: number) => {
    const count = Math.max(0, Math.floor((binanceWeightLimit - margin - used) / weight));
    const answers = await Promise.all(Array.from({ length: count }, () => get(query)));
    return Math.max(used, ...answers);
  };
  const used = await get('?symbol=BTCUSDT');
  await round(2, '?symbol=BTCUSDT', await round(80, '', used));
}
