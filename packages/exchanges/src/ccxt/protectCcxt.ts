/**
 * ccxt adapter. Extension point: an Exchange instance's `fetchImplementation`, which ccxt
 * calls as `fetchImplementation(url, { method, headers, body, timeout, signal })` when set.
 * Imports only public exports of `@breakwater/core` and `@breakwater/fetch`; ccxt itself is an
 * optional peer and is never imported.
 */
import {
  BreakwaterConfigError,
  getBreakerOpenError,
  type HttpBreakerOptions,
} from '@breakwater/core';
import {
  expectObject,
  type FetchBodyResponseLike,
  fetchRequestInfo,
  fetchResponseAdapter,
  HttpGuard,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { FetchFunction } from '@breakwater/fetch';
import { type CcxtErrorClasses, ccxtErrorFor, resolveCcxtErrors } from './ccxtErrors.ts';

/**
 * The part of a ccxt `Exchange` that {@link protectCcxt} uses. ccxt's own types are not
 * imported, so this package does not need ccxt installed.
 */
export interface CcxtExchangeLike {
  /** ccxt's request timeout, in milliseconds. */
  timeout: number;
  /** A custom fetch; ccxt uses it for every REST request when set. */
  fetchImplementation: unknown;
  /** ccxt's flag for its own native transport; cleared so the custom fetch is used. */
  fetchIsNative?: boolean;
  /** ccxt's own HTTP method, which calls `fetchImplementation` once it is set. */
  fetch: (...args: never[]) => Promise<unknown>;
  /** ccxt's exchange id (`'kraken'`), for the messages of the errors it throws. */
  id?: string;
}

/** Options for {@link protectCcxt}. */
export interface ProtectCcxtOptions {
  /**
   * The fetch the guard sends with: undici's `fetch` bound to a proxy `dispatcher`, a test
   * double of the network, … It also gets the node-style `agent` ccxt passes for its proxy
   * settings, as `init.agent`.
   * @defaultValue `globalThis.fetch` as it is at each request (so MSW's `server.listen()` after
   * `protectCcxt()` still intercepts it), which cannot send through ccxt's proxy settings: a
   * request ccxt would send through a proxy rejects with `BreakwaterConfigError` instead
   */
  fetch?: FetchFunction;
  /**
   * ccxt's error classes (pass ccxt itself: `{ errors: ccxt }`). With them, an open breaker
   * rejects with ccxt's own `NetworkError`s instead of Breakwater's `BreakerOpenError`:
   * `RateLimitExceeded` (or `DDoSProtection`) when it opened on a rate limit, `OnMaintenance` on
   * maintenance, else `ExchangeNotAvailable`, each with `retryAfterMs` and the
   * `BreakerOpenError` as `cause` (`isBreakerOpenError()` still finds it). ccxt's usual loop
   * ("on `NetworkError` back off") then just works.
   * @defaultValue none: the `BreakerOpenError` itself, which is no ccxt error
   */
  errors?: CcxtErrorClasses;
}

const known: KnownKeys<ProtectCcxtOptions> = { fetch: true, errors: true };

/** What ccxt passes as the second argument of a custom `fetchImplementation`. */
interface CcxtRequestInit extends RequestInit {
  /** ccxt's timeout, for node-style clients; fetch has no such option. */
  timeout?: number;
  /**
   * A node-style agent: ccxt's proxy agent when `httpProxy`, `httpsProxy` or `socksProxy` is set,
   * else the exchange's own `agent` or `httpsAgent`. The global fetch ignores it.
   */
  agent?: unknown;
}

/** ccxt's proxy settings that make it pass a proxy agent, in the order ccxt reads them. */
const proxySettings = [
  'httpProxy',
  'http_proxy',
  'httpsProxy',
  'https_proxy',
  'socksProxy',
  'socks_proxy',
] as const;

/**
 * Puts a ccxt exchange's REST requests behind Breakwater: sets its `fetchImplementation` to a
 * guarded fetch (`options.fetch`, else the global fetch of each request) and turns off ccxt's
 * native transport so that function is used. Pass an exchange preset (`krakenPreset()`, `binancePreset()`, …) or any HTTP breaker options.
 *
 * What ccxt sees and does:
 * - responses reach ccxt unchanged, so its own error mapping (`handleErrors`: `InsufficientFunds`,
 *   `ExchangeNotAvailable`, `DDoSProtection`, …) still runs, while the breaker classifies the
 *   same response with the preset's rules;
 * - ccxt aborts its request signal only when its `timeout` elapses; the guard reads that abort
 *   as a timeout (the core's one abort rule, with ccxt's signal as the client's deadline), so
 *   the breaker counts a `timeout` failure (`uncertainEffect` on an order) and ccxt still throws
 *   its `RequestTimeout`;
 * - network errors reach ccxt as they are and become its `NetworkError`;
 * - with a ccxt proxy (`httpProxy`, `httpsProxy`, `socksProxy`, or a proxy agent as `agent`),
 *   ccxt passes a node-style proxy `agent`, which the global fetch ignores: the request rejects
 *   with `BreakwaterConfigError` before anything is sent, unless `options.fetch` is given (it
 *   gets the agent as `init.agent`, and must send through the proxy).
 *
 * **Open breakers.** When a breaker is open, nothing is sent and the call rejects. Pass ccxt's
 * classes (`{ errors: ccxt }`) and the rejection is one of ccxt's `NetworkError`s
 * (`RateLimitExceeded` when the breaker opened on a rate limit, `OnMaintenance` on maintenance,
 * else `ExchangeNotAvailable`) with `retryAfterMs` and the `BreakerOpenError` as `cause`.
 * Without them it is Breakwater's `BreakerOpenError`, which ccxt rethrows unchanged and which is
 * no `ccxt.NetworkError`: check `isBreakerOpenError(e)` before ccxt's classes.
 *
 * @param exchange - a ccxt `Exchange` instance (`new ccxt.kraken()`); it is changed in place
 * @param preset - HTTP breaker options, usually an exchange preset
 * @returns `exchange`
 * @throws BreakwaterConfigError when `exchange` is not a ccxt exchange, or an option is invalid;
 * at call time, for a request ccxt sends through a proxy while `options.fetch` is not given
 * @example
 * ```ts
 * import ccxt from 'ccxt';
 * const apiKey = process.env.KRAKEN_API_KEY;
 * const secret = process.env.KRAKEN_API_SECRET;
 * const kraken = protectCcxt(new ccxt.kraken({ apiKey, secret }), krakenPreset(), {
 *   errors: ccxt,
 * });
 * async function buy(): Promise<'placed' | 'not sent' | 'unknown'> {
 *   try {
 *     await kraken.createOrder('BTC/USD', 'limit', 'buy', 0.01, 30_000);
 *     return 'placed';
 *   } catch (error) {
 *     if (isBreakerOpenError(error)) return 'not sent'; // retry after error.retryAfterMs
 *     if (error instanceof ccxt.RequestTimeout) return 'unknown'; // may have been placed
 *     throw error;
 *   }
 * }
 * ```
 */
export function protectCcxt<E extends CcxtExchangeLike>(
  exchange: E,
  preset: HttpBreakerOptions,
  options: ProtectCcxtOptions = {},
): E {
  if (
    typeof exchange !== 'object' ||
    exchange === null ||
    !('fetchImplementation' in exchange) ||
    typeof exchange.fetch !== 'function'
  ) {
    throw new BreakwaterConfigError('exchange', 'a ccxt Exchange instance', exchange);
  }
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const errors = resolveCcxtErrors(options.errors);
  const own = options.fetch;
  const base = own ?? (globalThis.fetch as unknown as FetchFunction | undefined);
  if (typeof base !== 'function')
    throw new BreakwaterConfigError('fetch', 'a fetch function', base);
  const guard = new HttpGuard(preset);
  // Without a fetch of yours, the global one of each request: MSW's `server.listen()` or a
  // polyfill may replace it after the exchange was protected.
  const send = (own ??
    ((url: string, init: RequestInit) => globalThis.fetch(url, init))) as unknown as (
    url: string,
    init: RequestInit,
  ) => Promise<FetchBodyResponseLike>;

  const fetchImplementation = (url: string, params?: CcxtRequestInit): Promise<unknown> => {
    const { timeout: _timeout, agent, signal, ...init } = params ?? {};
    if (own !== undefined && agent != null) {
      // Your fetch gets ccxt's agent as ccxt passed it: node-fetch honours it, for one.
      (init as { agent?: unknown }).agent = agent;
    } else if (carriesProxy(agent)) {
      // The global fetch ignores agents: the request would go out directly, not through the proxy.
      return Promise.reject(proxyError(exchange as unknown as Record<string, unknown>));
    }
    const ccxtSignal = signal ?? undefined;
    const request = fetchRequestInfo(url, init);
    // A URL fetch cannot parse: fetch rejects it as it always does.
    if (request === undefined) return send(url, { ...init, signal: ccxtSignal });
    // ccxt's signal belongs to its timeout timer and nothing else: it is the client's deadline
    // (the guard reads its abort as a timeout), not a caller's signal whose abort cancels.
    const sent = guard.execute(
      request,
      undefined,
      (deadline) => send(url, { ...init, signal: joined(deadline, ccxtSignal) }),
      fetchResponseAdapter,
      undefined,
      ccxtSignal,
    );
    if (errors === undefined) return sent;
    return sent.catch((error: unknown) => {
      const open = getBreakerOpenError(error);
      if (open === undefined) throw error;
      const openedOn = guard.breakerFor(open.breaker).snapshot().lastFailure?.category;
      throw ccxtErrorFor(open, openedOn, errors, exchangeId(exchange));
    });
  };

  exchange.fetchImplementation = fetchImplementation;
  // ccxt prefers its own undici transport once it has loaded it; a custom fetch must win.
  exchange.fetchIsNative = false;
  return exchange;
}

function exchangeId(exchange: CcxtExchangeLike): string {
  return typeof exchange.id === 'string' && exchange.id !== '' ? exchange.id : 'exchange';
}

/** True for the proxy agents ccxt passes: each carries its proxy as `proxy`, as ccxt reads it. */
function carriesProxy(agent: unknown): boolean {
  return (
    typeof agent === 'object' && agent !== null && (agent as { proxy?: unknown }).proxy != null
  );
}

/** The error of a request that the global fetch would send around ccxt's proxy. */
function proxyError(exchange: Record<string, unknown>): BreakwaterConfigError {
  const setting =
    proxySettings.find((name) => exchange[name] != null && exchange[name] !== '') ?? 'agent';
  return new BreakwaterConfigError(
    'fetch',
    `a fetch that sends through ccxt's \`${setting}\` (the global fetch ignores the proxy agent ` +
      'ccxt passes, and would send the request directly): pass protectCcxt(exchange, preset, ' +
      "{ fetch }) with, for example, undici's fetch and a ProxyAgent dispatcher",
    undefined,
  );
}

/** The signal a request honours: the guard's deadline (if any) and ccxt's timer. */
function joined(
  deadline: AbortSignal | undefined,
  ccxt: AbortSignal | undefined,
): AbortSignal | undefined {
  if (deadline === undefined) return ccxt;
  return ccxt === undefined ? deadline : AbortSignal.any([deadline, ccxt]);
}
