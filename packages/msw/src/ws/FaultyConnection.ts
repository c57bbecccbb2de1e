import type { Clock } from '@breakwater/core';
import type { WebSocketData, WebSocketHandlerConnection } from 'msw';
import type { WsPingFault } from './wsFaults.ts';

export type Client = WebSocketHandlerConnection['client'];
export type ResolvedPings = Required<Omit<WsPingFault, 'reply'>> & Pick<WsPingFault, 'reply'>;
type MessageListener = (this: WebSocket, event: MessageEvent<WebSocketData>) => void;

/** The resolved options of `wsFaults`. Not part of the public API. */
export interface WsFaultSettings {
  dropAfterMessages: number;
  dropAfterMs: number;
  code: number;
  reason: string | undefined;
  delayMs: number;
  dropRate: number;
  pings: ResolvedPings | undefined;
  clock: Clock;
  random: () => number;
}

/** One connection's faults: the client handle the listener uses, its timers and counters. */
export class FaultyConnection {
  readonly client: Client;
  readonly #real: Client;
  readonly #settings: WsFaultSettings;
  readonly #timers = new Set<unknown>();
  readonly #openedAt: number;
  readonly #listeners = new WeakMap<MessageListener, MessageListener>();
  /** Whether each ping was answered, decided once however many listeners see it. */
  readonly #answered = new WeakMap<Event, boolean>();
  #delivered = 0;
  #pingsAnswered = 0;
  #closed = false;

  constructor(real: Client, settings: WsFaultSettings) {
    this.#real = real;
    this.#settings = settings;
    this.#openedAt = settings.clock.monotonic();
    real.addEventListener('close', () => this.#stop());
    const pings = settings.pings;
    const reply = pings?.reply;
    if (pings !== undefined && reply !== undefined) {
      real.addEventListener('message', (event) => {
        if (pings.match(event.data) && this.#answers(event)) this.#send(reply(event.data));
      });
    }
    // Only the methods a handler uses; `extension` stays unset, as on a plain link.
    this.client = {
      id: real.id,
      url: real.url,
      send: (data) => this.#send(data),
      close: (code, reason) => {
        this.#stop();
        real.close(code, reason);
      },
      addEventListener: (type, listener, options) => {
        if (type !== 'message') return real.addEventListener(type, listener, options);
        real.addEventListener('message', this.#filtered(listener as MessageListener), options);
      },
      removeEventListener: (type, listener, options) => {
        if (type !== 'message') return real.removeEventListener(type, listener, options);
        const filtered = this.#listeners.get(listener as MessageListener);
        if (filtered !== undefined) real.removeEventListener('message', filtered, options);
      },
    };
  }

  start(): void {
    const { dropAfterMessages, dropAfterMs, clock } = this.#settings;
    if (dropAfterMessages === 0) this.#drop();
    else if (dropAfterMs !== Infinity) this.#schedule(() => this.#drop(), dropAfterMs, clock);
  }

  #send(data: WebSocketData): void {
    const { dropRate, delayMs, random, clock } = this.#settings;
    if (this.#closed) return;
    if (dropRate > 0 && random() < dropRate) return;
    if (delayMs > 0) this.#schedule(() => this.#deliver(data), delayMs, clock);
    else this.#deliver(data);
  }

  #deliver(data: WebSocketData): void {
    if (this.#closed) return;
    this.#real.send(data);
    this.#delivered++;
    if (this.#delivered >= this.#settings.dropAfterMessages) this.#drop();
  }

  #filtered(listener: MessageListener): MessageListener {
    const pings = this.#settings.pings;
    if (pings === undefined) return listener;
    const existing = this.#listeners.get(listener);
    if (existing !== undefined) return existing;
    const connection = this;
    // A ping reaches the listener only while pings are answered and no `reply` answers them.
    const filtered: MessageListener = function (this: WebSocket, event) {
      if (!pings.match(event.data)) return listener.call(this, event);
      if (pings.reply === undefined && connection.#answers(event)) listener.call(this, event);
    };
    this.#listeners.set(listener, filtered);
    return filtered;
  }

  /** Whether this ping is answered; the first ask decides and counts it. */
  #answers(event: Event): boolean {
    const known = this.#answered.get(event);
    if (known !== undefined) return known;
    const pings = this.#settings.pings!;
    const elapsed = this.#settings.clock.monotonic() - this.#openedAt;
    const answer = this.#pingsAnswered < pings.answerCount && elapsed < pings.answerForMs;
    if (answer) this.#pingsAnswered++;
    this.#answered.set(event, answer);
    return answer;
  }

  #schedule(fn: () => void, ms: number, clock: Clock): void {
    const handle = clock.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
  }

  #drop(): void {
    if (this.#closed) return;
    this.#stop();
    const close = () => this.#real.close(this.#settings.code, this.#settings.reason);
    const socket = (this.#real as { socket?: WebSocket }).socket;
    // MSW delivers each `client.send()` in a microtask of its own, and a close discards what is
    // still queued: the Nth message, or a whole burst sent in one go. Close in a microtask
    // queued after theirs, so every message sent before the drop arrives first.
    if (socket?.readyState !== 0) {
      queueMicrotask(close);
      return;
    }
    // Sent during the connection event, they wait for the client's `open`, and so must the
    // close: this listener, added after theirs, runs after theirs.
    queueMicrotask(() => socket.addEventListener('open', close, { once: true }));
  }

  #stop(): void {
    this.#closed = true;
    for (const handle of this.#timers) this.#settings.clock.clearTimeout(handle);
    this.#timers.clear();
  }
}
