/**
 * The actions every implementation runs. They are shared so each case measures the breakers,
 * not differences between actions. None reads its arguments: Breakwater passes a signal,
 * cockatiel a context and opossum nothing, and each must be able to call the same function.
 */

/** Resolves immediately: the cheapest action, so the breaker's own cost shows. */
export const resolveOne = (): Promise<number> => Promise.resolve(1);

/** Rejects immediately; used to trip breakers open by consecutive failures. */
export const rejectNow = (): Promise<never> => Promise.reject(new Error('bench: tripping failure'));

/** The error a loop throws when an operation's outcome is not the one the case expects. */
export function unexpected(impl: string, what: string): Error {
  return new Error(`bench: ${impl} ${what}; the case's setup is broken, no figure is valid.`);
}

/** Calls `call` until it has failed `count` times, swallowing the failures. */
export async function failTimes(count: number, call: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) {
    try {
      await call();
    } catch {
      // expected: these failures are what trips the breaker
    }
  }
}
