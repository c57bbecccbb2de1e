import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import {
  expectBoolean,
  expectClock,
  expectInteger,
  expectNumber,
  expectObject,
  expectOneOf,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
  systemClock,
} from '@breakwater/core/adapter';
import type {
  BinanceSimOptions,
  ExchangeSimOptions,
  KrakenSimOptions,
  SimExchangeId,
  SimIncidentSpec,
} from './types.ts';

/** {@link ExchangeSimOptions} with every default applied. */
export interface ResolvedExchangeSimOptions {
  readonly exchanges: readonly SimExchangeId[];
  readonly clock: Clock;
  readonly tickIntervalMs: number;
  readonly kraken: Required<KrakenSimOptions>;
  readonly binance: Required<BinanceSimOptions>;
}

const known: KnownKeys<ExchangeSimOptions> = {
  exchanges: true,
  clock: true,
  tickIntervalMs: true,
  kraken: true,
  binance: true,
};
const knownKraken: KnownKeys<KrakenSimOptions> = { privateCounter: true };
const knownBinance: KnownKeys<BinanceSimOptions> = {
  weightLimit: true,
  banMs: true,
  toleratedRateLimitCount: true,
  pingIntervalMs: true,
  pongTimeoutMs: true,
};
const ids = ['kraken', 'binance'] as const;

/**
 * Checks {@link ExchangeSimOptions} once and applies the defaults.
 * @throws BreakwaterConfigError naming the first invalid or unknown option
 */
export function resolveExchangeSimOptions(
  options: ExchangeSimOptions = {},
): ResolvedExchangeSimOptions {
  expectObject('startExchangeSim options', options as unknown);
  rejectUnknownKeys('', options, known);
  const exchanges = options.exchanges ?? ids;
  if (!Array.isArray(exchanges) || exchanges.length === 0) {
    throw new BreakwaterConfigError(
      'exchanges',
      "a non-empty array of 'kraken', 'binance'",
      exchanges,
    );
  }
  for (const [i, id] of exchanges.entries()) expectOneOf(`exchanges[${i}]`, id, ids);
  if (new Set(exchanges).size !== exchanges.length) {
    throw new BreakwaterConfigError('exchanges', 'each exchange once', exchanges);
  }
  const kraken = options.kraken ?? {};
  expectObject('kraken', kraken as unknown);
  rejectUnknownKeys('kraken', kraken, knownKraken);
  const counter = kraken.privateCounter ?? { maxCount: 15, decayPerSecond: 0.33 };
  if (counter !== false) {
    expectObject('kraken.privateCounter', counter as unknown);
    rejectUnknownKeys('kraken.privateCounter', counter, { maxCount: true, decayPerSecond: true });
    expectNumber('kraken.privateCounter.maxCount', counter.maxCount, 1);
    expectNumber('kraken.privateCounter.decayPerSecond', counter.decayPerSecond, 0);
  }
  const binance = options.binance ?? {};
  expectObject('binance', binance as unknown);
  rejectUnknownKeys('binance', binance, knownBinance);
  const weightLimit = binance.weightLimit ?? 6000;
  if (weightLimit !== false) expectInteger('binance.weightLimit', weightLimit, 1);
  return Object.freeze({
    exchanges: Object.freeze([...exchanges]),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    tickIntervalMs: expectNumber('tickIntervalMs', options.tickIntervalMs ?? 1_000, 1),
    kraken: Object.freeze({ privateCounter: counter === false ? false : { ...counter } }),
    binance: Object.freeze({
      weightLimit,
      banMs: expectNumber('binance.banMs', binance.banMs ?? 120_000, 1),
      toleratedRateLimitCount: expectInteger(
        'binance.toleratedRateLimitCount',
        binance.toleratedRateLimitCount ?? 3,
        0,
      ),
      pingIntervalMs: expectNumber('binance.pingIntervalMs', binance.pingIntervalMs ?? 20_000, 1),
      pongTimeoutMs: expectNumber('binance.pongTimeoutMs', binance.pongTimeoutMs ?? 60_000, 1),
    }),
  });
}

const incidentKeys: Record<SimIncidentSpec['type'], readonly string[]> = {
  serverErrors: ['status', 'orderPlaced', 'durationMs', 'scope'],
  rateLimited: ['retryAfterMs', 'durationMs', 'scope'],
  ban: ['durationMs', 'scope'],
  orderTimeout: ['durationMs', 'scope'],
  latency: ['delayMs', 'durationMs', 'scope'],
  maintenance: ['mode', 'durationMs'],
  wsDrop: ['code'],
  wsSilent: ['durationMs'],
  wsRefuse: ['status', 'durationMs'],
};

/**
 * Checks one incident of a timeline.
 * @throws BreakwaterConfigError naming the invalid field
 */
export function checkIncident(
  spec: SimIncidentSpec,
  path: string,
  exchanges: readonly SimExchangeId[],
): SimIncidentSpec {
  expectObject(path, spec as unknown);
  const type = expectOneOf(
    `${path}.type`,
    spec.type,
    Object.keys(incidentKeys) as SimIncidentSpec['type'][],
  );
  const allowed: Record<string, true> = Object.fromEntries(
    ['type', 'exchange', 'atMs', ...incidentKeys[type]].map((key) => [key, true as const]),
  );
  rejectUnknownKeys(path, spec, allowed);
  expectOneOf(`${path}.exchange`, spec.exchange, exchanges);
  const fields = spec as unknown as Partial<Record<string, unknown>>;
  if (fields.atMs !== undefined) expectNumber(`${path}.atMs`, fields.atMs, 0);
  if (fields.durationMs !== undefined)
    expectNumber(`${path}.durationMs`, fields.durationMs, 0, Infinity, true);
  if (type === 'latency') expectNumber(`${path}.delayMs`, fields.delayMs, 0, maxTimerMs);
  if (fields.retryAfterMs !== undefined)
    expectNumber(`${path}.retryAfterMs`, fields.retryAfterMs, 0);
  if (fields.scope !== undefined)
    expectOneOf(`${path}.scope`, fields.scope, ['public', 'private', 'order', 'all']);
  if (fields.orderPlaced !== undefined) expectBoolean(`${path}.orderPlaced`, fields.orderPlaced);
  if (fields.mode !== undefined)
    expectOneOf(`${path}.mode`, fields.mode, ['maintenance', 'cancel_only']);
  if (fields.status !== undefined) {
    const [min, max] = type === 'serverErrors' ? [500, 599] : [400, 599];
    expectInteger(`${path}.status`, fields.status, min, max);
  }
  if (fields.code !== undefined) expectInteger(`${path}.code`, fields.code, 1000, 4999);
  return spec;
}
