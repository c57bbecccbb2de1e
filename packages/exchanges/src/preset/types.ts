import type {
  BreakerRegistry,
  CallContext,
  HttpBreakerOptions,
  Outcome,
  Verdict,
} from '@breakwater/core';
import type { AdapterBreakerOptions, HttpHeaders, HttpRequestInfo } from '@breakwater/core/adapter';
import type { EndpointGroup, ExchangeId } from '../types.ts';

/** Options every exchange preset accepts. */
export interface ExchangePresetOptions {
  /**
   * One breaker per endpoint group (`public`, `private`, `order`): market data, account reads
   * and orders fail for different reasons and recover apart, and a flood of 429s on market data
   * must not stop a stop-loss order. `false` puts every request to one host behind one breaker.
   * @defaultValue `true`
   */
  groups?: boolean;
  /**
   * The first part of every breaker key.
   * @defaultValue the exchange id (`'kraken'`, `'binance'`, …)
   */
  keyPrefix?: string;
  /**
   * The environment named in breaker keys instead of the request's host (`'testnet'`,
   * `'prod-eu'`): for one breaker across several hosts of one environment (Bybit's
   * `api.bybit.com` and `api.bytick.com`). Keys always name an environment, so a testnet client
   * and a production client never share a breaker.
   * @defaultValue the request's host, `url.host` (`api.kraken.com`)
   */
  environment?: string;
  /** Called with every outcome, after the preset's own rate-limit feedback (if any). */
  onResponse?: (outcome: Outcome, context: CallContext) => void;
  /** Where the breakers live. @defaultValue the adapter's default, the process-wide registry */
  registry?: BreakerRegistry;
  /**
   * Options of the breakers the adapter creates (`strategy`, `openMs`, `halfOpen`, …), put at
   * the top level of the preset. The same as spreading them next to it:
   * `{ ...krakenPreset(), openMs: 30_000 }`.
   * @defaultValue the registry's defaults
   */
  breaker?: AdapterBreakerOptions;
}

/** A request as {@link ExchangeClassifier} reads it: where it went and how. */
export interface ExchangeRequest {
  /** The absolute URL; only its host, path and a Binance `signature` parameter are read. */
  readonly url: string | URL;
  /** @defaultValue `'GET'` */
  readonly method?: string;
  /** Request headers (Binance's `X-MBX-APIKEY` marks a private call). */
  readonly headers?: HttpHeaders;
}

/** A response as saved for a bug report: status, headers and body. */
export interface SavedResponse {
  readonly status: number;
  /**
   * Response headers in any shape the HTTP glue reads (a plain object, `Headers`, pairs). As in
   * the adapters, the body is read only when `content-type` says JSON or text and a declared
   * `content-length` is within the preset's limit (64 KiB).
   */
  readonly headers?: HttpHeaders;
  /**
   * The body as text or bytes, as it came over the wire (parsed by its content type, as the
   * adapters do), or an already parsed JSON value.
   */
  readonly body?: unknown;
}

/** Options of {@link ExchangeClassifier} when it classifies a saved response. */
export interface ClassifyOptions {
  /**
   * The time the response arrived, in epoch milliseconds: `Retry-After` dates, ban and
   * throttle times and maintenance end times are read against it.
   * @defaultValue `Date.now()`
   */
  readonly now?: number;
}

/** One item of a batch answer that failed although the answer as a whole succeeded. */
export interface FailedItem {
  /** The item's position in the answer's list (0-based). */
  readonly index: number;
  /** The exchange's code or reason for the item, as sent (`'110007'`, `'UNKNOWN_CANCEL_ORDER'`). */
  readonly code: string;
  /** The exchange's message for the item, when it sent one. */
  readonly message?: string;
}

/**
 * What a preset decides about a response: the breaker's {@link Verdict} (what counts, why, how
 * long to wait, whether an order may have taken effect) and where it lands.
 */
export interface ExchangeVerdict extends Verdict {
  readonly exchange: ExchangeId;
  /** The endpoint group, and so the breaker, the request belongs to. */
  readonly group: EndpointGroup;
  /** The endpoint name the preset's rules and the breaker's events see (the path). */
  readonly endpoint: string;
  /** The breaker key the request is counted under. */
  readonly key: string;
  /** Whether the request is safe to repeat (a retry policy may retry it). */
  readonly idempotent: boolean;
  /**
   * The items of a batch answer that failed, when the answer carries per-item results (Bybit
   * `retExtInfo.list`, OKX `sCode`, Coinbase `results[].success`).
   */
  readonly failedItems?: readonly FailedItem[];
}

/**
 * A preset's classifier, in two roles. Called by an adapter with an outcome, a call context and
 * the breaker clock's time, it is the classifier rule the preset gives every adapter (`classify`
 * in {@link HttpBreakerOptions}): it decides every verdict of the preset's requests. Called with
 * a request and a saved response, it returns the same verdict without a breaker or a network,
 * with the endpoint group and the breaker key: the tool for checking a preset and for bug
 * reports.
 *
 * @example
 * ```ts
 * const verdict = krakenPreset().classify(
 *   { url: 'https://api.kraken.com/0/private/AddOrder', method: 'POST' },
 *   { status: 200, headers: { 'content-type': 'application/json' }, body: '{"error":["EService:Busy"]}' },
 * );
 * // { verdict: 'failure', category: 'server', uncertainEffect: true, group: 'order',
 * //   key: 'kraken:api.kraken.com:order', endpoint: '/0/private/AddOrder', … }
 * ```
 */
export interface ExchangeClassifier {
  /** As a classifier rule, for the adapters: the verdict of an outcome. */
  (outcome: Outcome, context: CallContext | undefined, nowMs: number): Verdict;
  /**
   * The verdict the preset gives `response` to `request`.
   * @throws BreakwaterConfigError when the request has no absolute URL or the response no status
   */
  (request: ExchangeRequest, response: SavedResponse, options?: ClassifyOptions): ExchangeVerdict;
}

/**
 * An exchange preset: plain HTTP breaker options for every Breakwater HTTP adapter, whose
 * `classify` also classifies saved responses (see {@link ExchangeClassifier}).
 */
export interface ExchangePreset extends HttpBreakerOptions {
  readonly key: (request: HttpRequestInfo) => string;
  readonly classify: ExchangeClassifier;
  readonly context: (request: HttpRequestInfo) => Partial<CallContext>;
  readonly idempotent: (request: HttpRequestInfo) => boolean | undefined;
}
