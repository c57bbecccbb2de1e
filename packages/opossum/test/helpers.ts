import { ManualClock } from '@breakwater/core';
import CircuitBreaker, { type Options } from '@breakwater/opossum';
import { afterEach } from 'vitest';

/** Every event a breaker emits. */
export const eventNames = [
  'fire',
  'success',
  'failure',
  'timeout',
  'reject',
  'open',
  'close',
  'halfOpen',
  'fallback',
  'semaphoreLocked',
  'healthCheckFailed',
  'shutdown',
  'cacheHit',
  'cacheMiss',
  'coalesceCacheHit',
  'coalesceCacheMiss',
] as const;

/** A breaker of any action. */
// biome-ignore lint/suspicious/noExplicitAny: helpers take breakers of every action type.
type AnyBreaker = CircuitBreaker<any, any>;

const breakers: { shutdown(): void }[] = [];

afterEach(() => {
  for (const breaker of breakers.splice(0)) breaker.shutdown();
});

/** A breaker on a `ManualClock`, shut down after the test, with its events recorded. */
export function setup<TI extends unknown[], TR>(
  action: (...args: TI) => TR | PromiseLike<TR>,
  options: Options<TI> = {},
) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker<TI, TR>(action, {
    ...options,
    breakwater: { clock, ...options.breakwater },
  });
  breakers.push(breaker);
  return { breaker, clock, events: record(breaker) };
}

/** Shuts `breaker` down after the test. */
export function track<T extends { shutdown(): void }>(breaker: T): T {
  breakers.push(breaker);
  return breaker;
}

/** The names of the events `breaker` emits, in order. */
export function record(breaker: AnyBreaker): string[] {
  const events: string[] = [];
  for (const name of eventNames) breaker.on(name as 'open', () => events.push(name));
  return events;
}

/** An action that fails while `failing.now` is true. */
export function switchable() {
  const state = { failing: false, calls: 0 };
  const action = async (value = 'ok') => {
    state.calls++;
    if (state.failing) throw new Error('boom');
    return value;
  };
  return { state, action };
}

/** A promise with its resolve and reject functions. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Fires `count` calls and waits for them, ignoring their outcome. */
export async function fireTimes(breaker: AnyBreaker, count: number, ...args: unknown[]) {
  for (let i = 0; i < count; i++) await breaker.fire(...args).catch(() => undefined);
}
