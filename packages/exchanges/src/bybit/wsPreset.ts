import { BreakwaterConfigError, failure, ignore, type Verdict } from '@breakwater/core';
import {
  expectFunction,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { GuardOptions, MessageData, MessagePhase, MessageVerdict } from '@breakwater/ws';
import { field, frameJson, frameText, frameVerdict, safeReason } from '../ws/frames.ts';
import { wsConnectLimits } from '../ws/types.ts';
import { bybitRetCodeVerdict } from './rules.ts';

// Bybit v5 WebSocket, as documented at https://bybit-exchange.github.io/docs/v5/ws/connect
// (endpoints, authentication, "How to Send the Heartbeat Packet", "How to Subscribe to Topics",
// IP limits), cross-checked with ccxt 4.5 (`js/src/pro/bybit.js`: `ping`, `handlePong`,
// `handleErrorMessage`, `handleAuthenticate`).

/** Bybit's v5 WebSocket endpoints (mainnet). */
export const bybitWsUrls = Object.freeze({
  spot: 'wss://stream.bybit.com/v5/public/spot',
  linear: 'wss://stream.bybit.com/v5/public/linear',
  inverse: 'wss://stream.bybit.com/v5/public/inverse',
  option: 'wss://stream.bybit.com/v5/public/option',
  private: 'wss://stream.bybit.com/v5/private',
});

/** The `auth` args, signed for this connection: HMAC-SHA256(secret, `GET/realtime${expires}`). */
export interface BybitWsAuth {
  readonly apiKey: string;
  /** When the signature expires, in epoch milliseconds (a little in the future). */
  readonly expires: number;
  readonly signature: string;
}

/** Options of {@link bybitWsPreset}. */
export interface BybitWsPresetOptions {
  /** Topics subscribed on every connection (`'orderbook.50.BTCUSDT'`), 10 per request. */
  topics?: readonly string[];
  /** For the private stream: the auth args, called for every connection, sent before topics. */
  auth?: () => BybitWsAuth | PromiseLike<BybitWsAuth>;
}

const known: KnownKeys<BybitWsPresetOptions> = { topics: true, auth: true };

/** Bybit spot takes at most 10 args per subscription request. */
const topicsPerRequest = 10;

/**
 * `guardWebSocket()` options for Bybit's v5 WebSocket, public or private:
 * - liveness: `{"op":"ping"}` every 20 s ("we recommend that you send the ping heartbeat packet
 *   every 20 seconds"), answered `{"ret_msg":"pong","op":"ping"}` (public) or `{"op":"pong"}`
 *   (private), not delivered; 10 s to answer;
 * - resubscribe: `auth` (when given) confirmed by `{"op":"auth","success":true}`, then the
 *   topics, 10 per `subscribe`, each request confirmed by its `req_id`;
 * - error frames (`"success":false`): a failed `auth` halts (`auth`); a refused topic
 *   (`error:handler not found`) halts (`refused`); a rate limit or a server error backs off and
 *   reconnects; a `retCode` is classified like the REST API's (`bybitRetCodeVerdict`). Once
 *   open, only connection and server failures end the connection;
 * - connects: at most 500 per 5 minutes (Bybit's limit per WebSocket domain).
 *
 * @throws BreakwaterConfigError when an option is invalid
 */
export function bybitWsPreset(options: BybitWsPresetOptions = {}): GuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const topics = resolveTopics(options.topics);
  const auth = options.auth;
  if (auth !== undefined) expectFunction('auth', auth);
  const batches: string[][] = [];
  for (let i = 0; i < topics.length; i += topicsPerRequest) {
    batches.push(topics.slice(i, i + topicsPerRequest));
  }
  let nextId = 1;
  return {
    name: auth === undefined ? 'wss://stream.bybit.com/v5/public' : bybitWsUrls.private,
    heartbeat: {
      ping: 'interval',
      intervalMs: 20_000,
      timeoutMs: 10_000,
      message: '{"op":"ping"}',
      isPong: isBybitPong,
    },
    maxConnectsPerWindow: { ...wsConnectLimits.bybit },
    classifyMessage: classifyBybitFrame,
    resubscribe:
      auth === undefined && batches.length === 0
        ? undefined
        : async ({ send, waitFor }) => {
            if (auth !== undefined) {
              const { apiKey, expires, signature } = await auth();
              const confirmed = waitFor(isAuthAck);
              send(JSON.stringify({ op: 'auth', args: [apiKey, expires, signature] }));
              await confirmed;
            }
            const confirmed = batches.map((args) => {
              const id = `breakwater-${nextId++}`;
              const ack = waitFor((data) => isSubscribeAck(data, id));
              send(JSON.stringify({ req_id: id, op: 'subscribe', args }));
              return ack;
            });
            await Promise.all(confirmed);
          },
  };
}

const authError = ignore('auth');
const requestError = ignore('client');
const rateLimited = failure('rate_limit');
const serverError = failure('server');

/** Bybit's frames that decide a connection's fate. */
export function classifyBybitFrame(
  data: MessageData,
  phase: MessagePhase,
): MessageVerdict | undefined {
  const text = frameText(data);
  // Topic pushes (`{"topic":…}`, books of many KB) are never answers.
  if (text.startsWith('{"topic":')) return undefined;
  const failed = text.includes('"success":false');
  if (!failed && !text.includes('"retCode":')) return undefined;
  const json = frameJson(text);
  if (json === undefined) return undefined;
  // ret_msg only: the frame's `request` echoes the auth args, signature included.
  const message = field(json, 'ret_msg') || field(json, 'retMsg');
  let verdict: Verdict | undefined;
  if (failed) {
    const request = json.request as { op?: unknown } | undefined;
    const op = json.op ?? request?.op;
    verdict = op === 'auth' ? authError : messageVerdict(message);
  } else {
    verdict = bybitRetCodeVerdict(Number(field(json, 'retCode')));
  }
  const code = failed ? undefined : field(json, 'retCode');
  return frameVerdict(verdict, phase, safeReason('bybit', code, message));
}

function messageVerdict(message: string): Verdict {
  if (/too many|rate limit|frequen/i.test(message)) return rateLimited;
  if (/timeout|internal|system error|busy|unavailable/i.test(message)) return serverError;
  return requestError;
}

function isBybitPong(data: MessageData): boolean {
  const text = frameText(data);
  return text.includes('"op":"pong"') || text.includes('"ret_msg":"pong"');
}

function isAuthAck(data: MessageData): boolean {
  const text = frameText(data);
  if (!text.includes('"op":"auth"')) return false;
  const json = frameJson(text);
  return json !== undefined && (json.success === true || json.retCode === 0);
}

function isSubscribeAck(data: MessageData, id: string): boolean {
  const text = frameText(data);
  if (!text.includes('"op":"subscribe"')) return false;
  const json = frameJson(text);
  return json !== undefined && json.success === true && json.req_id === id;
}

function resolveTopics(value: readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((topic) => typeof topic !== 'string' || topic === '')) {
    throw new BreakwaterConfigError('topics', "an array of topics ('tickers.BTCUSDT')", value);
  }
  return Object.freeze([...value]);
}
