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
  field,
  frameHead,
  frameJson,
  frameText,
  frameVerdict,
  safeReason,
} from '../ws/frames.ts';
import { wsConnectLimits } from '../ws/types.ts';

// Coinbase Advanced Trade WebSocket, as documented at
// https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-overview
// (subscribe within 5 seconds, one channel per message, JWTs), …/websocket-channels
// (heartbeats: "most channels close within 60-90 seconds if no updates are sent") and
// …/websocket-rate-limits, cross-checked with ccxt 4.5 (`js/src/pro/coinbase.js`:
// `handleSubscriptionStatus`, `{"type":"error"}` frames).

/** Coinbase Advanced Trade's WebSocket endpoints. */
export const coinbaseWsUrls = Object.freeze({
  /** Market data. */
  public: 'wss://advanced-trade-ws.coinbase.com',
  /** The `user` and `futures_balance_summary` channels. */
  user: 'wss://advanced-trade-ws-user.coinbase.com',
});

/** One subscription: a channel and its products (`{ channel: 'ticker', product_ids: [...] }`). */
export interface CoinbaseWsSubscription {
  readonly channel: string;
  readonly product_ids?: readonly string[];
}

/** Options of {@link coinbaseWsPreset}. */
export interface CoinbaseWsPresetOptions {
  /** Subscribed on every connection, one message each; `heartbeats` is added for you. */
  subscriptions?: readonly CoinbaseWsSubscription[];
  /**
   * A JWT signed with your CDP key, for authenticated subscriptions (the `user` channel, and
   * more reliable market data). Called for every subscribe message: a JWT lives 2 minutes.
   */
  jwt?: () => string | PromiseLike<string>;
}

/** Channels served by the user endpoint. */
const userChannels: ReadonlySet<string> = new Set(['user', 'futures_balance_summary']);

const known: KnownKeys<CoinbaseWsPresetOptions> = { subscriptions: true, jwt: true };

/** "Unauthenticated messages are rate-limited at 8 per second per IP address." */
const maxUnauthenticatedMessages = 8;

/**
 * `guardWebSocket()` options for Coinbase Advanced Trade's WebSocket:
 * - liveness: the `heartbeats` channel, subscribed on every connection, sends a frame every
 *   second and keeps quiet channels open; the guard sends no ping (`ping: 'none'`, which works
 *   with the standard WebSocket too) and ends a connection silent for 5 s, then 5 s more;
 * - resubscribe: one `subscribe` per channel (with a fresh `jwt` when given), right after the
 *   connection opens (Coinbase closes one not subscribed within 5 s), each confirmed by a
 *   `subscriptions` frame listing it;
 * - error frames (`{"type":"error","message":…}`): an authentication failure halts (`auth`), a
 *   rate limit or an internal error backs off and reconnects, any other refusal (an unknown
 *   product or channel) halts (`refused`) while subscribing; once open, only server failures
 *   end the connection;
 * - connects: at most 8 per second (Coinbase's per-IP limit).
 *
 * @throws BreakwaterConfigError when an option is invalid, or when more than 8 subscribe
 *   messages a connection would exceed the unauthenticated limit (pass `jwt`)
 */
export function coinbaseWsPreset(options: CoinbaseWsPresetOptions = {}): GuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const jwt = options.jwt;
  if (jwt !== undefined) expectFunction('jwt', jwt);
  const subscriptions = resolveSubscriptions(options.subscriptions, jwt !== undefined);
  // Confirmed when a `subscriptions` frame lists each channel with each of its products.
  const keys = subscriptions.flatMap(({ channel, product_ids }) =>
    product_ids === undefined ? [channel] : product_ids.map((product) => `${channel} ${product}`),
  );
  return {
    name: subscriptions.some(({ channel }) => userChannels.has(channel))
      ? coinbaseWsUrls.user
      : coinbaseWsUrls.public,
    heartbeat: { ping: 'none', intervalMs: 5_000, timeoutMs: 5_000 },
    maxConnectsPerWindow: { ...wsConnectLimits.coinbase },
    classifyMessage: classifyCoinbaseFrame,
    resubscribe: async ({ send, waitFor }) => {
      const confirmed = confirmAll(waitFor, keys, listed);
      for (const { channel, product_ids } of subscriptions) {
        const token = jwt === undefined ? undefined : await jwt();
        const request: Record<string, unknown> = { type: 'subscribe', channel };
        if (product_ids !== undefined) request.product_ids = product_ids;
        if (token !== undefined) request.jwt = token;
        send(JSON.stringify(request));
      }
      await confirmed;
    },
  };
}

const authError = ignore('auth');
const requestError = ignore('client');
const rateLimited = failure('rate_limit');
const serverError = failure('server');

/** Coinbase's error frames, `{"type":"error","message":"…"}`. */
export function classifyCoinbaseFrame(
  data: MessageData,
  phase: MessagePhase,
): MessageVerdict | undefined {
  const text = frameText(data);
  if (!frameHead(text).includes('"type":"error"')) return undefined;
  const json = frameJson(text);
  if (json === undefined || json.type !== 'error') return undefined;
  const message = field(json, 'message') || field(json, 'reason');
  return frameVerdict(messageVerdict(message), phase, safeReason('coinbase', undefined, message));
}

function messageVerdict(message: string): Verdict {
  if (/auth|jwt|unauthori[sz]ed|signature|permission/i.test(message)) return authError;
  if (/rate|too many|slow down/i.test(message)) return rateLimited;
  if (/internal|unavailable|try again|timeout/i.test(message)) return serverError;
  return requestError;
}

/** What a `subscriptions` frame confirms: every channel it lists, and each of its products. */
function listed(data: MessageData): readonly string[] | undefined {
  const text = frameText(data);
  if (!frameHead(text).includes('"channel":"subscriptions"')) return undefined;
  const events = frameJson(text)?.events;
  if (!Array.isArray(events)) return undefined;
  const keys: string[] = [];
  for (const event of events as ({ subscriptions?: unknown } | null)[]) {
    const subscriptions = event?.subscriptions;
    if (typeof subscriptions !== 'object' || subscriptions === null) continue;
    for (const [channel, products] of Object.entries(subscriptions)) {
      keys.push(channel);
      if (Array.isArray(products)) {
        for (const product of products) keys.push(`${channel} ${String(product)}`);
      }
    }
  }
  return keys;
}

function resolveSubscriptions(
  value: readonly CoinbaseWsSubscription[] | undefined,
  authenticated: boolean,
): readonly CoinbaseWsSubscription[] {
  const given = value ?? [];
  if (!Array.isArray(given)) {
    throw new BreakwaterConfigError(
      'subscriptions',
      'an array of { channel, product_ids? }',
      value,
    );
  }
  given.forEach((subscription: unknown, i) => {
    const { channel, product_ids } = (subscription ?? {}) as Record<string, unknown>;
    if (typeof subscription !== 'object' || typeof channel !== 'string' || channel === '') {
      throw new BreakwaterConfigError(
        `subscriptions[${i}]`,
        'an object with a string `channel`',
        subscription,
      );
    }
    if (
      product_ids !== undefined &&
      (!Array.isArray(product_ids) || product_ids.some((p) => typeof p !== 'string'))
    ) {
      throw new BreakwaterConfigError(
        `subscriptions[${i}].product_ids`,
        'an array of product ids',
        product_ids,
      );
    }
  });
  const all = given.some((s) => s.channel === 'heartbeats')
    ? given
    : [...given, { channel: 'heartbeats' }];
  if (!authenticated && all.length > maxUnauthenticatedMessages) {
    throw new BreakwaterConfigError(
      'subscriptions',
      `at most ${maxUnauthenticatedMessages - 1} channels besides heartbeats without \`jwt\` ` +
        '(Coinbase allows 8 unauthenticated messages per second per IP)',
      `${given.length} channels`,
    );
  }
  return Object.freeze(all.map((s) => Object.freeze({ ...s })));
}
