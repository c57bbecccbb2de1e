/**
 * Receives an error thrown by user code that Breakwater calls back (an event listener, a
 * classifier rule, an `onResponse` hook, a custom backoff) and names its `source`: the event
 * (`stateChange`), `classify[2]`, `onResponse` or `recovery`.
 */
export type ListenerErrorHandler = (error: unknown, source: string) => void;

/** Default for `onListenerError`: rethrow in a microtask, outside the call that emitted. */
export const rethrowInMicrotask: ListenerErrorHandler = (error) => {
  queueMicrotask(() => {
    throw error;
  });
};

/**
 * Hands an error from user code to `handler`, the one route for such errors. What the handler
 * itself throws is rethrown in a microtask: a broken handler surfaces, but never inside the
 * caller's call, a transition or a save.
 */
export function reportCallbackError(
  handler: ListenerErrorHandler,
  error: unknown,
  source: string,
): void {
  try {
    handler(error, source);
  } catch (handlerError) {
    rethrowInMicrotask(handlerError, 'onListenerError');
  }
}

type Listener = (payload: never) => void;
type Slot = undefined | Listener | Listener[];

/**
 * A minimal typed emitter, after cockatiel's: each event's slot holds nothing, one function or
 * an array, so emitting to nobody is one property read and `has()` lets callers skip building a
 * payload. No `node:events`, so it runs anywhere.
 *
 * A listener that throws goes to the error handler (see {@link reportCallbackError}) and never
 * reaches the emitting code.
 */
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  /** Allocated on the first subscription: most emitters are never listened to. */
  #slots: Map<keyof Events, Slot> | undefined;
  #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = rethrowInMicrotask) {
    this.#onListenerError = onListenerError;
  }

  /** Replaces the handler of listener errors (a breaker's `reconfigure({ onListenerError })`). */
  set onListenerError(handler: ListenerErrorHandler) {
    this.#onListenerError = handler;
  }

  /** Subscribes `listener`; returns an idempotent unsubscribe function. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const fn = listener as Listener;
    this.#slots ??= new Map();
    const slot = this.#slots.get(event);
    if (slot === undefined) this.#slots.set(event, fn);
    else if (typeof slot === 'function') this.#slots.set(event, [slot, fn]);
    else this.#slots.set(event, [...slot, fn]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#remove(event, fn);
    };
  }

  /** True when at least one listener is subscribed to `event`. */
  has(event: keyof Events): boolean {
    return this.#slots?.has(event) === true;
  }

  /** Number of listeners of `event`, or of all events when called without one. */
  listenerCount(event?: keyof Events): number {
    if (this.#slots === undefined) return 0;
    if (event !== undefined) return count(this.#slots.get(event));
    let total = 0;
    for (const slot of this.#slots.values()) total += count(slot);
    return total;
  }

  /** Calls `event`'s listeners with `payload`; one that throws goes to the error handler. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const slot = this.#slots?.get(event);
    if (slot === undefined) return;
    if (typeof slot === 'function') {
      this.#call(slot, payload, event);
      return;
    }
    // Copy-free iteration is safe: on()/remove() replace the array instead of mutating it.
    for (const fn of slot) this.#call(fn, payload, event);
  }

  /** Removes every listener. */
  clear(): void {
    this.#slots = undefined;
  }

  #call(fn: Listener, payload: unknown, event: keyof Events): void {
    try {
      (fn as (payload: unknown) => void)(payload);
    } catch (error) {
      reportCallbackError(this.#onListenerError, error, String(event));
    }
  }

  #remove(event: keyof Events, fn: Listener): void {
    const slots = this.#slots;
    const slot = slots?.get(event);
    if (slots === undefined || slot === undefined) return;
    if (slot === fn) {
      slots.delete(event);
    } else if (Array.isArray(slot)) {
      const index = slot.indexOf(fn);
      if (index === -1) return;
      const rest = slot.filter((_, i) => i !== index);
      slots.set(event, rest.length === 1 ? rest[0]! : rest);
    }
  }
}

function count(slot: Slot): number {
  if (slot === undefined) return 0;
  return typeof slot === 'function' ? 1 : slot.length;
}

const empty = new Emitter();

/**
 * An emitter nobody listens to, shared by every breaker until its first `on()`: an idle breaker
 * holds no emitter of its own. Never subscribe to it; replace it with a real one first.
 */
export function emptyEmitter<Events extends { [K in keyof Events]: unknown }>(): Emitter<Events> {
  return empty as unknown as Emitter<Events>;
}
