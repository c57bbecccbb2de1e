import { BreakwaterConfigError } from '@breakwater/core';
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
import { okxCodeVerdict } from './rules.ts';

// OKX v5 WebSocket, as documented at https://www.okx.com/docs-v5/en/#overview-websocket and
// cross-checked with ccxt 4.5 (`js/src/pro/okx.js`: text ping, `handleErrorMessage`).

/** OKX's WebSocket endpoints (v5). */
export const okxWsUrls = Object.freeze({
  public: 'wss://ws.okx.com:8443/ws/v5/public',
  private: 'wss://ws.okx.com:8443/ws/v5/private',
  business: 'wss://ws.okx.com:8443/ws/v5/business',
});

/** One subscription: `{ channel: 'tickers', instId: 'BTC-USDT' }`, as OKX's `args` items. */
export interface OkxWsArg {
  readonly channel: string;
  readonly [field: string]: string | undefined;
}

/** The `login` args, signed for this connection (OKX checks the timestamp: sign it fresh). */
export interface OkxWsLogin {
  readonly apiKey: string;
  readonly passphrase: string;
  /** Unix time in seconds, as a string. */
  readonly timestamp: string;
  /** Base64 of HMAC-SHA256(secret, timestamp + 'GET' + '/users/self/verify'). */
  readonly sign: string;
}

/** Options of {@link okxWsPreset}. */
export interface OkxWsPresetOptions {
  /** Channels subscribed on every connection, in one `subscribe` request (at most 64 KB). */
  args?: readonly OkxWsArg[];
  /**
   * For `/private` and `/business` channels: returns the login args, called for every
   * connection (a signature is valid for 30 s). The login is sent and confirmed before `args`.
   */
  login?: () => OkxWsLogin | PromiseLike<OkxWsLogin>;
}

const known: KnownKeys<OkxWsPresetOptions> = { args: true, login: true };

/** OKX limits a request's `args` to 64 KB. */
const maxArgsBytes = 65_536;

/**
 * `guardWebSocket()` options for OKX's v5 WebSocket, public or private:
 * - liveness: the text `'ping'`, answered `'pong'`, sent when 12 s pass without a frame; 10 s to
 *   answer. OKX drops a connection silent for 30 s ("set a timer of N seconds whenever a
 *   response message is received, where N is less than 30; … send the String 'ping'");
 * - resubscribe: `login` (when given), confirmed by `{"event":"login","code":"0"}`, then one
 *   `subscribe` of every arg, each confirmed by its `{"event":"subscribe","arg":…}`; an attempt
 *   not confirmed within `connectTimeoutMs` fails;
 * - error frames (`{"event":"error","code":"600xx"}`) classified like OKX's HTTP codes
 *   (`okxCodeVerdict`): while subscribing, a login error halts (`auth`), an illegal request or
 *   unknown channel halts (`refused`), `60014` (too frequent) backs off and reconnects; once
 *   open, only connection failures (`60015`, `60016`, `63999`) reconnect, and the rest is
 *   delivered (they answer your own requests);
 * - the notice `64008` ("the connection will soon be closed for a service upgrade") replaces
 *   the connection at once, make before break;
 * - close codes 4001 (login failed) and 4007 (API key updated or deleted) halt as `auth`; 4002
 *   (invalid request), 4008 (too many channels) and 1009 (request too large) halt as `refused`;
 *   4003, 4004 (no data for 30 s), 4005 (buffer full), 4006 and 4009 reconnect;
 * - connects: at most 3 per second (OKX's per-IP limit; share a `rateLimiter` between sockets).
 *
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * const tickers = guardWebSocket(() => new WebSocket(okxWsUrls.public), {
 *   ...okxWsPreset({ args: [{ channel: 'tickers', instId: 'BTC-USDT' }] }),
 * });
 * ```
 */
export function okxWsPreset(options: OkxWsPresetOptions = {}): GuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const args = resolveArgs(options.args);
  const login = options.login;
  if (login !== undefined) expectFunction('login', login);
  const subscribe = args.length === 0 ? undefined : JSON.stringify({ op: 'subscribe', args });
  return {
    name: login === undefined ? okxWsUrls.public : okxWsUrls.private,
    heartbeat: {
      ping: 'idle',
      intervalMs: 12_000,
      timeoutMs: 10_000,
      message: 'ping',
      isPong: (data) => data === 'pong',
    },
    closeCodes: { auth: [4001, 4007], refused: [4002, 4008, 1009] },
    maxConnectsPerWindow: { ...wsConnectLimits.okx },
    classifyMessage: classifyOkxFrame,
    resubscribe: async ({ send, waitFor }) => {
      if (login !== undefined) {
        const credentials = await login();
        const confirmed = waitFor(isLoginAck);
        send(JSON.stringify({ op: 'login', args: [credentials] }));
        await confirmed;
      }
      if (subscribe === undefined) return;
      const confirmed = confirmAll(waitFor, args.map(argKey), subscribedArgs);
      send(subscribe);
      await confirmed;
    },
  };
}

/** OKX's frames that decide a connection's fate: error events and the restart notice. */
export function classifyOkxFrame(
  data: MessageData,
  phase: MessagePhase,
): MessageVerdict | undefined {
  const text = frameText(data);
  // Market data starts with {"arg":…}; only events, which say so first, are errors or notices.
  const head = frameHead(text);
  if (!head.includes('"event":"error"') && !head.includes('"event":"notice"')) return undefined;
  const json = frameJson(text);
  if (json === undefined) return undefined;
  const code = field(json, 'code');
  const reason = safeReason('okx', code, field(json, 'msg'));
  if (json.event === 'notice') {
    // {"event":"notice","code":"64008","msg":"The connection will soon be closed for a service
    // upgrade. Please reconnect."}: sent ahead of the close, so there is time to replace it.
    return code === '64008' ? { action: 'rotate', reason } : undefined;
  }
  return frameVerdict(okxCodeVerdict(Number(code), field(json, 'msg')), phase, reason);
}

function isLoginAck(data: MessageData): boolean {
  const text = frameText(data);
  if (!text.includes('"event":"login"')) return false;
  const json = frameJson(text);
  return json !== undefined && json.event === 'login' && field(json, 'code') === '0';
}

/** An arg's identity: its fields in a fixed order. */
function argKey(arg: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(arg)
      .sort()
      .map((key) => [key, arg[key]]),
  );
}

/**
 * The args a `{"event":"subscribe","arg":{…}}` frame confirms: its own, or, should OKX echo a
 * field more (a `uid`), every pending arg whose fields it has.
 */
function subscribedArgs(
  data: MessageData,
  pending: ReadonlySet<string>,
): readonly string[] | undefined {
  const text = frameText(data);
  if (!frameHead(text).includes('"event":"subscribe"')) return undefined;
  const json = frameJson(text);
  const arg = json?.arg;
  if (json?.event !== 'subscribe' || typeof arg !== 'object' || arg === null) return undefined;
  const exact = argKey(arg as Record<string, unknown>);
  if (pending.has(exact)) return [exact];
  const echoed = arg as Record<string, unknown>;
  return [...pending].filter((key) =>
    (JSON.parse(key) as [string, unknown][]).every(([name, value]) => echoed[name] === value),
  );
}

function resolveArgs(value: readonly OkxWsArg[] | undefined): readonly OkxWsArg[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new BreakwaterConfigError('args', 'an array of { channel, … } objects', value);
  }
  value.forEach((arg: unknown, i) => {
    const channel = (arg as { channel?: unknown } | null)?.channel;
    if (typeof arg !== 'object' || arg === null || typeof channel !== 'string' || channel === '') {
      throw new BreakwaterConfigError(`args[${i}]`, 'an object with a string `channel`', arg);
    }
  });
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > maxArgsBytes) {
    throw new BreakwaterConfigError(
      'args',
      `at most ${maxArgsBytes} bytes of JSON (OKX's limit per request); split them over sockets`,
      `${bytes} bytes`,
    );
  }
  return Object.freeze(value.map((arg) => Object.freeze({ ...arg })));
}
