import { BreakwaterConfigError, failure, ignore, type Verdict } from '@breakwater/core';
import { expectObject, type KnownKeys, rejectUnknownKeys } from '@breakwater/core/adapter';
import type { GuardOptions, MessageData, MessagePhase, MessageVerdict } from '@breakwater/ws';
import { field, frameHead, frameJson, frameText, frameVerdict, safeReason } from '../ws/frames.ts';
import { wsConnectLimits } from '../ws/types.ts';
import { binanceCodeVerdict } from './rules.ts';

// Binance spot WebSocket streams, as documented at
// https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams (General WSS
// information, Live subscribing/unsubscribing, Error messages) and the user data stream docs,
// cross-checked with ccxt 4.5 (`js/src/pro/binance.js`: `handleWsError`, listen keys).

/** Binance spot's WebSocket stream endpoints. */
export const binanceWsUrls = Object.freeze({
  /** Raw streams: `/ws/<stream>`, or `/ws` and SUBSCRIBE. */
  public: 'wss://stream.binance.com:9443/ws',
  /** Combined streams: `/stream?streams=a/b`, frames wrapped as `{"stream":…,"data":…}`. */
  combined: 'wss://stream.binance.com:9443/stream',
  /** Market data only (no user data stream). */
  marketData: 'wss://data-stream.binance.vision/ws',
});

/** Options of {@link binanceWsPreset}. */
export interface BinanceWsPresetOptions {
  /**
   * Streams SUBSCRIBEd on every connection (`'btcusdt@trade'`), at most 1024 (Binance's limit
   * per connection). Leave out when the URL names the streams, and for a user data stream.
   */
  streams?: readonly string[];
}

const known: KnownKeys<BinanceWsPresetOptions> = { streams: true };

/** Binance: "A single connection can listen to a maximum of 1024 streams." */
const maxStreams = 1024;

/** Rotated half an hour before Binance's 24 h cut, so a slow rotation still beats it. */
const lifetimeMs = 23.5 * 3_600_000;

/**
 * `guardWebSocket()` options for Binance spot streams, market data or a user data stream:
 * - liveness: Binance pings every 20 s and drops a connection that does not pong within a
 *   minute; both clients pong by themselves. With `ws`, its pings count as signs of life, and
 *   the guard sends a protocol ping only after 30 s without any frame, 30 s to answer. The
 *   standard WebSocket can neither ping nor see pings: with a URL, pass `heartbeat: false`;
 * - the 24 h limit ("a single connection … is only valid for 24 hours"): the connection is
 *   rotated at 23.5 h, make before break, switching where both sockets delivered the same
 *   event (the frame's text);
 * - `serverShutdown` ("sent when the server is about to shutdown"): rotated at once;
 *   `listenKeyExpired` and `eventStreamTerminated` (user data): reconnected, so that your
 *   factory fetches a fresh listen key;
 * - resubscribe: one `SUBSCRIBE` of every stream, confirmed by `{"result":null,"id":…}`;
 * - error frames (`{"error":{"code":2,"msg":"Invalid request: …"},"id":…}`, or `code` and `msg`
 *   at the top): codes 0–3 (unknown property, invalid value, invalid request, invalid JSON)
 *   are request errors and halt while subscribing; negative codes are classified like the REST
 *   API's (`binanceCodeVerdict`);
 * - connects: at most 300 per 5 minutes (Binance's per-IP limit; share a `rateLimiter`).
 *
 * @throws BreakwaterConfigError when an option is invalid (more than 1024 streams)
 */
export function binanceWsPreset(options: BinanceWsPresetOptions = {}): GuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const streams = resolveStreams(options.streams);
  let nextId = 1;
  return {
    name: binanceWsUrls.public,
    heartbeat: { ping: 'idle', intervalMs: 30_000, timeoutMs: 30_000 },
    maxConnectsPerWindow: { ...wsConnectLimits.binance },
    rotation: { maxLifetimeMs: lifetimeMs, messageId: binanceEventId },
    classifyMessage: classifyBinanceFrame,
    resubscribe:
      streams.length === 0
        ? undefined
        : async ({ send, waitFor }) => {
            const id = nextId++;
            const confirmed = waitFor((data) => isResult(data, id));
            send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id }));
            await confirmed;
          },
  };
}

/** Binance's frames that decide a connection's fate. */
export function classifyBinanceFrame(
  data: MessageData,
  phase: MessagePhase,
): MessageVerdict | undefined {
  const text = frameText(data);
  // Events say what they are first (`{"e":…`, or `{"stream":…,"data":{"e":…` combined);
  // answers and errors are short: the head is enough, whatever a depth snapshot weighs.
  const head = frameHead(text);
  if (head.includes('"e":"serverShutdown"')) {
    return { action: 'rotate', reason: 'binance: serverShutdown' };
  }
  // The frame names the listen key: the reason must not.
  if (head.includes('"e":"listenKeyExpired"') || head.includes('"e":"eventStreamTerminated"')) {
    return { action: 'reconnect', category: 'auth', reason: 'binance: user data stream ended' };
  }
  if (!head.includes('"msg":') && !head.includes('"error":')) return undefined;
  const json = frameJson(text);
  if (json === undefined) return undefined;
  const error = typeof json.error === 'object' && json.error !== null ? json.error : json;
  const code = field(error as Record<string, unknown>, 'code');
  if (code === '') return undefined;
  const reason = safeReason('binance', code, field(error as Record<string, unknown>, 'msg'));
  return frameVerdict(streamCodeVerdict(Number(code)), phase, reason);
}

const requestError = ignore('client');
const serverError = failure('server');

/** Codes 0–3 are the stream API's request errors; negative ones the REST API's codes. */
function streamCodeVerdict(code: number): Verdict | undefined {
  if (!Number.isInteger(code)) return undefined;
  if (code >= 0 && code <= 3) return requestError;
  if (code < 0) return binanceCodeVerdict(code);
  return serverError;
}

function isResult(data: MessageData, id: number): boolean {
  const text = frameText(data);
  if (!text.includes('"result"')) return false;
  const json = frameJson(text);
  return json !== undefined && json.id === id && 'result' in json;
}

/** An event's identity for the rotation seam: the frame's text, the same on both sockets. */
function binanceEventId(data: MessageData): unknown {
  const text = frameText(data);
  return text.includes('"e":') ? text : undefined;
}

function resolveStreams(value: readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s === '')) {
    throw new BreakwaterConfigError('streams', 'an array of stream names', value);
  }
  if (value.length > maxStreams) {
    throw new BreakwaterConfigError(
      'streams',
      `at most ${maxStreams} streams (Binance's limit per connection); split them over sockets`,
      `${value.length} streams`,
    );
  }
  return Object.freeze([...value]);
}
