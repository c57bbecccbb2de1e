import { useBreaker } from '@breakwater/axios';
import { type BreakerRegistry, type Outcome, rateLimiter } from '@breakwater/core';
import {
  binancePreset,
  binanceRateLimitReport,
  krakenPreset,
  protectCcxt,
} from '@breakwater/exchanges';
import { breakerHooks as gotHooks } from '@breakwater/got';
import { breakerHooks as kyHooks } from '@breakwater/ky';
import axios, { type AxiosInstance } from 'axios';
import ccxt, { type Exchange } from 'ccxt';
import got, { type Got } from 'got';
import ky, { type KyInstance } from 'ky';
import type { ScaledClock } from './ScaledClock.ts';
import type { Stage } from './stage.ts';

/** Every client the bot uses, protected or bare: the bot's code is the same either way. */
export interface Clients {
  readonly kraken: Exchange;
  readonly binance: Exchange;
  /** Binance's 24-hour statistics through axios (`/api/v3/ticker/24hr`). */
  readonly binanceAxios: AxiosInstance;
  /** Kraken's system status through got (`/0/public/SystemStatus`). */
  readonly krakenGot: Got;
  /** Binance's system status through ky (`/sapi/v1/system/status`). */
  readonly binanceKy: KyInstance;
}

/** Story milliseconds a request may take before the client gives up on it. */
export const requestTimeoutMs = 3_000;

/**
 * The clients of one bot, pointed at its simulator. Each client keeps its own defaults (ccxt's
 * error mapping, got's and ky's retry of idempotent requests), with their waits in story time;
 * with a `registry`, each also goes through Breakwater with the exchange's preset, and those
 * breakers live in that registry.
 */
export function createClients(
  stage: Stage,
  clock: ScaledClock,
  binanceWeightLimit: number,
  registry?: BreakerRegistry,
): Clients {
  const timeout = clock.real(requestTimeoutMs);
  // ccxt spaces its requests by `rateLimit` ms, on real time: play that in story time too.
  const rateLimit = (exchange: Exchange) => clock.real(Number(exchange.rateLimit));
  // Signatures are accepted, not checked, by the simulator; these keys are made up.
  const kraken = stage.redirect(
    new ccxt.kraken({
      apiKey: 'demo-key',
      secret: 'ZGVtby1zZWNyZXQ=',
      timeout,
      rateLimit: rateLimit(new ccxt.kraken()),
    }),
  );
  const binance = stage.redirect(
    new ccxt.binance({
      apiKey: 'demo-key',
      secret: 'demo-secret',
      timeout,
      rateLimit: rateLimit(new ccxt.binance()),
      options: { fetchMarkets: { types: ['spot'] } },
    }),
  );
  const binanceAxios = axios.create({ baseURL: stage.url('binance'), timeout });
  const retryDelay = (attempt: number) => clock.real(300 * 2 ** (attempt - 1));
  const krakenGot = got.extend({
    prefixUrl: stage.url('kraken'),
    timeout: { request: timeout },
    retry: {
      calculateDelay: ({ computedValue }) => (computedValue === 0 ? 0 : clock.real(computedValue)),
    },
  });
  const binanceKy = ky.create({
    prefix: stage.url('binance'),
    timeout,
    retry: { limit: 2, delay: retryDelay },
  });
  if (registry === undefined) return { kraken, binance, binanceAxios, krakenGot, binanceKy };

  // Kraken: one breaker per endpoint group (`kraken:sim:public`, `…:private`, `…:order`), as
  // the preset does by default.
  const kraken$ = () => krakenPreset({ registry, environment: 'sim' });
  // Binance counts request weight per IP, across every endpoint, and bans an IP that keeps
  // sending after a few 429s. One breaker for all of Binance (`groups: false`) stops market
  // data, account and order calls together on a 429; and the preset feeds the used weight
  // Binance reports (`X-MBX-USED-WEIGHT-1M`) to a rate limiter that every Binance request goes
  // through, so the bot stops before the 429 when the minute's weight is nearly spent.
  const weight = rateLimiter({
    name: 'binance weight',
    capacity: binanceWeightLimit,
    refill: { amount: binanceWeightLimit, intervalMs: 60_000 },
    clock,
  });
  // The used weight only: a 429's Retry-After is the breaker's to honour. (Fed to the limiter
  // too, a 429 whose wait is shorter than the minute holds every call to the minute's end.)
  const feedWeight = (outcome: Outcome) => {
    const report = binanceRateLimitReport(outcome, { limit: binanceWeightLimit });
    if (report?.usedWeight !== undefined) weight.update(report);
  };
  const binance$ = () =>
    binancePreset({ registry, environment: 'sim', groups: false, onResponse: feedWeight });
  const limited = ((url: string, init?: RequestInit) =>
    weight.execute(() => fetch(url, init))) as typeof fetch;
  // With ccxt's classes, an open breaker rejects with ccxt's own NetworkErrors.
  protectCcxt(kraken, kraken$(), { errors: ccxt });
  protectCcxt(binance, binance$(), { errors: ccxt, fetch: limited });
  binanceAxios.defaults.adapter = 'fetch';
  binanceAxios.defaults.env = { ...binanceAxios.defaults.env, fetch: limited };
  useBreaker(binanceAxios, binance$());
  return {
    kraken,
    binance,
    binanceAxios,
    krakenGot: krakenGot.extend(gotHooks(kraken$())),
    binanceKy: binanceKy.extend({ fetch: limited }).extend(kyHooks(binance$())),
  };
}
