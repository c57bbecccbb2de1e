import { type Clock, TimeoutError } from '@breakwater/core';
import type { ResolvedHeartbeatOptions } from './options/types.ts';
import type { OutgoingData, SocketAdapter, WebSocketLike } from './SocketAdapter.ts';

/**
 * One connection's heartbeat: every `intervalMs` a ping (with `ping: 'idle'` or `'none'`, only
 * when no frame arrived since the last tick; `'none'` sends nothing), then a deadline of
 * `timeoutMs`. At most one timer runs at a time, all on the injected clock; a received frame
 * costs a boolean store and a check, never a timer, unless a ping is waiting for its answer.
 */
export class Heartbeat {
  readonly #clock: Clock;
  readonly #options: ResolvedHeartbeatOptions;
  readonly #ping: (() => void) | undefined;
  readonly #onDead: () => void;
  readonly #idleOnly: boolean;
  #timer: unknown;
  /** True between a ping and the first frame after it. */
  awaiting = false;
  /** Set by every frame; read and cleared at each tick when pinging only an idle peer. */
  seen = false;

  constructor(
    clock: Clock,
    options: ResolvedHeartbeatOptions,
    ping: (() => void) | undefined,
    onDead: () => void,
  ) {
    this.#clock = clock;
    this.#options = options;
    this.#ping = ping;
    this.#onDead = onDead;
    this.#idleOnly = options.ping !== 'interval';
    this.#timer = clock.setTimeout(this.#tick, options.intervalMs);
  }

  /** A frame arrived: the peer is alive. Call only while `awaiting`. */
  alive(): void {
    this.awaiting = false;
    this.seen = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(this.#tick, this.#options.intervalMs);
  }

  /** Clears the timer. Idempotent. */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.awaiting = false;
  }

  readonly #tick = (): void => {
    if (this.#idleOnly && this.seen) {
      // Frames came in since the last tick: the peer is alive, nothing to ask.
      this.seen = false;
      this.#timer = this.#clock.setTimeout(this.#tick, this.#options.intervalMs);
      return;
    }
    this.awaiting = true;
    this.#timer = this.#clock.setTimeout(this.#expire, this.#options.timeoutMs);
    this.#ping?.();
  };

  readonly #expire = (): void => {
    this.#timer = undefined;
    this.awaiting = false;
    this.#onDead();
  };
}

/**
 * Starts the heartbeat of a connection that has just taken over, pinging as
 * {@link HeartbeatOptions} describes; none when it should ping and cannot (the standard
 * WebSocket without `message`). `onError` gets what `message()` threw; `onDead` runs when a
 * ping goes unanswered, or with `ping: 'none'` when the peer stays silent.
 */
export function startHeartbeat(
  clock: Clock,
  options: ResolvedHeartbeatOptions,
  adapter: SocketAdapter<WebSocketLike>,
  onError: (error: unknown) => void,
  onDead: (timeout: TimeoutError) => void,
): Heartbeat | undefined {
  const message = options.message;
  let ping: (() => void) | undefined;
  if (message !== undefined) ping = () => sendPing(adapter, message, onError);
  else if (adapter.canPing) ping = () => adapter.ping();
  if (ping === undefined && options.ping !== 'none') return undefined;
  if (options.ping === 'none') ping = undefined;
  const timeout = new TimeoutError(options.timeoutMs, 'WebSocket heartbeat');
  return new Heartbeat(clock, options, ping, () => onDead(timeout));
}

function sendPing(
  adapter: SocketAdapter<WebSocketLike>,
  message: () => OutgoingData,
  onError: (error: unknown) => void,
): void {
  let data: OutgoingData;
  try {
    data = message();
  } catch (error) {
    onError(error);
    return;
  }
  adapter.send(data);
}
