import { expectFunction, expectString } from '@breakwater/core/adapter';
import type { Fault } from './types.ts';

/**
 * Counts the requests that reach each route of the mock server, so a test can assert how many
 * calls got past the breaker (`expect(hits.get('ticker')).toBe(3)`).
 *
 * @example
 * ```ts
 * const hits = new HitCounter();
 * server.use(http.get('https://api.example.com/ticker', hits.count('ticker', failTimes(5))));
 * // … drive the breaker …
 * expect(hits.get('ticker')).toBe(5); // the rest were rejected without a request
 * ```
 */
export class HitCounter {
  readonly #hits = new Map<string, number>();
  #total = 0;

  /**
   * Returns a fault that counts each request under `route`, then lets `fault` answer it (or,
   * without one, lets it fall through to the next matching handler).
   * @throws BreakwaterConfigError when `route` is empty or `fault` is not a function
   */
  count(route: string, fault?: Fault): Fault {
    const name = expectString('route', route);
    const answer = fault === undefined ? undefined : expectFunction<Fault>('fault', fault);
    if (!this.#hits.has(name)) this.#hits.set(name, 0);
    return (info) => {
      this.#hits.set(name, (this.#hits.get(name) ?? 0) + 1);
      this.#total++;
      return answer?.(info);
    };
  }

  /** Requests counted under `route` so far (0 for a route never seen). */
  get(route: string): number {
    return this.#hits.get(route) ?? 0;
  }

  /** Requests counted under every route. */
  get total(): number {
    return this.#total;
  }

  /** Sets every count back to 0; the faults it returned keep counting. */
  reset(): void {
    for (const route of this.#hits.keys()) this.#hits.set(route, 0);
    this.#total = 0;
  }

  /** The counts by route, e.g. `{ ticker: 3, orders: 0 }`. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#hits);
  }
}
