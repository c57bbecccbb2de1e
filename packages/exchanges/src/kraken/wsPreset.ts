import { BreakwaterConfigError, failure, ignore, type Verdict } from '@breakwater/core';
import {
  expectFunction,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { GuardOptions, MessageData, MessagePhase, MessageVerdict } from '@breakwater/ws';
import {
  confirmAll,
  frameHead,
  frameJson,
  frameText,
  frameVerdict,
  safeReason,
} from '../ws/frames.ts';
import { wsConnectLimits } from '../ws/types.ts';
import { krakenErrorVerdict } from './rules.ts';

// Kraken Spot WebSocket v2, as documented at
// https://docs.kraken.com/exchange/api-reference/spot-websocket (endpoints, tokens),
// …/spot-websocket-v2/ping, …/heartbeat, …/status and each channel's subscribe page, and
// cross-checked with ccxt 4.5 (`js/src/pro/kraken.js`: `ping`, `handleErrorMessage`).

/** Kraken's WebSocket v2 endpoints. */
export const krakenWsUrls = Object.freeze({
  public: 'wss://ws.kraken.com/v2',
  /** Private channels (`executions`, `balances`) and trading: a token per connection. */
  private: 'wss://ws-auth.kraken.com/v2',
});

/**
 * One subscription: the `params` of a v2 `subscribe` (`{ channel: 'ticker', symbol: ['BTC/USD']
 * }`, `{ channel: 'book', symbol: [...], depth: 10 }`). The preset adds the token.
 */
export interface KrakenWsSubscription {
  readonly channel: string;
  readonly symbol?: readonly string[];
  readonly [param: string]: unknown;
}

/** Options of {@link krakenWsPreset}. */
export interface KrakenWsPresetOptions {
  /** Subscribed on every connection, one `subscribe` request each. */
  subscriptions?: readonly KrakenWsSubscription[];
  /**
   * For private channels: a fresh token from the REST `GetWebSocketsToken`, called for every
   * connection ("obtain a fresh token on each connection"), put in every subscription's params.
   */
  token?: () => string | PromiseLike<string>;
}

const known: KnownKeys<KrakenWsPresetOptions> = { subscriptions: true, token: true };

/**
 * `guardWebSocket()` options for Kraken's WebSocket v2, public or private:
 * - liveness: Kraken sends a `{"channel":"heartbeat"}` about every second when no other update
 *   is due; after 10 s without any frame the guard sends the application ping
 *   `{"method":"ping"}` (answered `{"method":"pong",…}`, not delivered), 10 s to answer;
 * - resubscribe: one `subscribe` per subscription, each symbol confirmed by its own
 *   `{"method":"subscribe","success":true,"result":{"channel":…,"symbol":…}}` ("Already
 *   subscribed" counts as confirmed); an attempt not confirmed within `connectTimeoutMs` fails;
 * - error frames (`"success":false`): Kraken's `E…:…` errors classified like the REST API's
 *   (`krakenErrorVerdict`: `EGeneral:Invalid arguments` and unsupported pairs halt,
 *   `EAPI:Invalid key` and `ESession:Invalid session` halt as auth, rate limits and
 *   `EService:Unavailable` back off and reconnect), while subscribing; once open, only service
 *   failures end the connection and the rest (answers to your own requests) is delivered;
 *   `{"Error":"Exceeded msg rate"}` (Kraken's message-rate limit) counts as a rate limit;
 * - the `status` channel saying `maintenance` backs off and reconnects (a `maintenance`
 *   failure for the breaker); `cancel_only` and `post_only` are delivered;
 * - connects: at most 60 per 10 minutes (a conservative bound; Kraken publishes none).
 *
 * @throws BreakwaterConfigError when an option is invalid
 */
export function krakenWsPreset(options: KrakenWsPresetOptions = {}): GuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const subscriptions = resolveSubscriptions(options.subscriptions);
  const token = options.token;
  if (token !== undefined) expectFunction('token', token);
  // One acknowledgement per channel and symbol.
  const keys = subscriptions.flatMap(({ channel, symbol }) =>
    symbol === undefined ? [channel] : symbol.map((pair) => `${channel} ${pair}`),
  );
  let nextId = 1;
  return {
    name: token === undefined ? krakenWsUrls.public : krakenWsUrls.private,
    heartbeat: {
      ping: 'idle',
      intervalMs: 10_000,
      timeoutMs: 10_000,
      message: '{"method":"ping"}',
      isPong: (data) => frameText(data).includes('"method":"pong"'),
    },
    maxConnectsPerWindow: { ...wsConnectLimits.kraken },
    classifyMessage: classifyKrakenFrame,
    resubscribe:
      subscriptions.length === 0
        ? undefined
        : async ({ send, waitFor }) => {
            const secret = token === undefined ? undefined : await token();
            const confirmed = confirmAll(waitFor, keys, acknowledged);
            for (const subscription of subscriptions) {
              const params =
                secret === undefined ? subscription : { ...subscription, token: secret };
              send(JSON.stringify({ method: 'subscribe', params, req_id: nextId++ }));
            }
            await confirmed;
          },
  };
}

const requestError = ignore('client');
const rateLimited = failure('rate_limit');

/** Kraken's frames that decide a connection's fate: failed requests and maintenance. */
export function classifyKrakenFrame(
  data: MessageData,
  phase: MessagePhase,
): MessageVerdict | undefined {
  const text = frameText(data);
  // Channel updates (books of many KB) start with {"channel":…}; answers are short.
  if (text.startsWith('{"channel":')) {
    return frameHead(text).includes('"channel":"status"') ? statusVerdict(text) : undefined;
  }
  // Kraken's dynamic message-rate limit, `{"Error":"Exceeded msg rate"}`, has no `success`.
  // https://docs.kraken.com/api/docs/guides/spot-ratelimits
  if (text.includes('Exceeded msg rate')) {
    return frameVerdict(rateLimited, phase, 'kraken: Exceeded msg rate');
  }
  if (!text.includes('"success":false')) return undefined;
  const json = frameJson(text);
  const error = typeof json?.error === 'string' ? json.error : '';
  if (error === '' || /already subscribed/i.test(error)) return undefined;
  return frameVerdict(errorVerdict(error), phase, safeReason('kraken', undefined, error));
}

/** `E<category>:<type>` errors as the REST API classifies them; free text is a request error. */
function errorVerdict(error: string): Verdict | undefined {
  if (/^[EW][A-Za-z]+:/.test(error)) return krakenErrorVerdict(error);
  return requestError;
}

/** `{"channel":"status","data":[{"system":"maintenance",…}]}`: the engine is down. */
function statusVerdict(text: string): MessageVerdict | undefined {
  const json = frameJson(text);
  const first = Array.isArray(json?.data) ? (json.data[0] as { system?: unknown }) : undefined;
  if (first?.system !== 'maintenance') return undefined;
  return { action: 'reconnect', category: 'maintenance', reason: 'kraken: system maintenance' };
}

/**
 * What a `{"method":"subscribe",…}` answer confirms: its channel and symbol. "Already subscribed"
 * confirms what it names, or (naming nothing) every pending subscription.
 */
function acknowledged(
  data: MessageData,
  pending: ReadonlySet<string>,
): readonly string[] | undefined {
  const text = frameText(data);
  if (!text.includes('"method":"subscribe"')) return undefined;
  const json = frameJson(text);
  if (json === undefined || json.method !== 'subscribe') return undefined;
  const result = (json.result ?? {}) as { channel?: unknown; symbol?: unknown };
  if (json.success !== true) {
    const error = typeof json.error === 'string' ? json.error : '';
    if (!/already subscribed/i.test(error)) return undefined;
    if (typeof result.channel !== 'string') return [...pending];
  }
  if (typeof result.channel !== 'string') return undefined;
  return [
    typeof result.symbol === 'string' ? `${result.channel} ${result.symbol}` : result.channel,
  ];
}

function resolveSubscriptions(
  value: readonly KrakenWsSubscription[] | undefined,
): readonly KrakenWsSubscription[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new BreakwaterConfigError('subscriptions', 'an array of { channel, symbol? }', value);
  }
  value.forEach((subscription: unknown, i) => {
    const { channel, symbol } = (subscription ?? {}) as { channel?: unknown; symbol?: unknown };
    if (typeof subscription !== 'object' || typeof channel !== 'string' || channel === '') {
      throw new BreakwaterConfigError(
        `subscriptions[${i}]`,
        'an object with a string `channel`',
        subscription,
      );
    }
    if (
      symbol !== undefined &&
      (!Array.isArray(symbol) || symbol.length === 0 || symbol.some((s) => typeof s !== 'string'))
    ) {
      throw new BreakwaterConfigError(
        `subscriptions[${i}].symbol`,
        "a non-empty array of pairs ('BTC/USD')",
        symbol,
      );
    }
    if ('token' in (subscription as object)) {
      throw new BreakwaterConfigError(
        `subscriptions[${i}].token`,
        'no token here: pass `token` to the preset, fetched fresh for every connection',
        '(a token)',
      );
    }
  });
  return Object.freeze(value.map((subscription) => Object.freeze({ ...subscription })));
}
