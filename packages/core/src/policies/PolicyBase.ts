import type { Emitter } from '../events/Emitter.ts';
import type { Action, ExecuteOptions, Policy } from './Policy.ts';

/**
 * What every Breakwater policy shares, the breaker included: typed events through `on()` and
 * `wrap()`. A policy implements `execute()`; its events go through `emitter`.
 */
export abstract class PolicyBase<
  Events extends { [K in keyof Events]: unknown },
  O extends ExecuteOptions = ExecuteOptions,
> implements Policy
{
  /** The policy's events; `has()` lets it skip building a payload nobody listens to. */
  protected emitter: Emitter<Events>;

  constructor(emitter: Emitter<Events>) {
    this.emitter = emitter;
  }

  /** Runs `fn` through the policy. */
  abstract execute<T>(fn: Action<T>, options?: O): Promise<T>;

  /**
   * Subscribes to an event; returns an idempotent unsubscribe function. A listener that throws
   * goes to the policy's `onListenerError` and never affects a call.
   */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Returns a function with `fn`'s signature whose calls run through the policy. `fn` gets its
   * own arguments, not the policy's signal: to cancel the work itself, use `execute`.
   * @example `const getTicker = breaker.wrap(api.getTicker.bind(api));`
   */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => PromiseLike<R>,
    options?: O,
  ): (...args: A) => Promise<R> {
    return (...args: A) => this.execute(() => fn(...args), options);
  }
}
