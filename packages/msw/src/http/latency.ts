import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import { expectClock, expectFunction, expectNumber, systemClock } from '@breakwater/core/adapter';
import { HttpResponse } from 'msw';
import { type RandomOptions, resolveRandom } from '../internal/randomSource.ts';
import { readOptions } from '../internal/validate.ts';
import { wait } from '../internal/wait.ts';
import type { Fault } from './types.ts';

/**
 * How long a request waits: fixed milliseconds, a uniform range `{ minMs, maxMs }` drawn from a
 * seeded sequence, or a list used in turn (request 1 waits the first, and so on, starting over
 * after the last).
 */
export type LatencySpec =
  | number
  | { readonly minMs: number; readonly maxMs: number }
  | readonly number[];

/** Options for {@link latency}. */
export interface LatencyOptions extends RandomOptions {
  /**
   * The clock the wait runs on. With a `ManualClock`, the response comes when the test advances
   * it, so the test stays deterministic and fast; MSW's `delay()` would wait in real time.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Answers once the wait is over.
   * @defaultValue none: the request falls through to the next matching handler
   */
  after?: Fault;
}

/**
 * Delays each request, then lets it through (or answers with `after`). A request whose client
 * aborts during the wait ends at once with a network error, and its timer is cleared.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * server.use(http.get(url, latency(2_000, { clock })));
 * const pending = fetch(url);
 * await clock.advance(2_000); // now the response comes
 *
 * latency({ minMs: 50, maxMs: 500 }, { seed: 7 }); // uniform, seeded
 * latency([10, 10, 3_000]); // every third request is slow
 * ```
 * @throws BreakwaterConfigError when a duration is not a finite number >= 0 or an option is
 * invalid
 */
export function latency(ms: LatencySpec, options?: LatencyOptions): Fault {
  const raw = readOptions('', options, { clock: true, after: true, random: true, seed: true });
  const clock = expectClock('clock', raw.clock ?? systemClock);
  const after = raw.after === undefined ? undefined : expectFunction<Fault>('after', raw.after);
  const nextDelay = resolveLatency(ms, () =>
    resolveRandom('', raw, raw.clock === undefined ? undefined : clock),
  );
  return async (info) => {
    const passed = await wait(clock, nextDelay(), info.request.signal);
    // The client is gone; a network error settles MSW's side without a logged exception.
    if (!passed) return HttpResponse.error();
    return after?.(info);
  };
}

function resolveLatency(spec: LatencySpec, random: () => () => number): () => number {
  if (typeof spec === 'number') {
    const ms = expectNumber('ms', spec, 0);
    return () => ms;
  }
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new BreakwaterConfigError('ms', 'at least one duration', spec);
    const list = spec.map((ms, i) => expectNumber(`ms[${i}]`, ms, 0));
    let next = 0;
    return () => list[next++ % list.length]!;
  }
  const range = readOptions('ms', spec as { minMs: number; maxMs: number }, {
    minMs: true,
    maxMs: true,
  });
  const minMs = expectNumber('ms.minMs', range.minMs, 0);
  const maxMs = expectNumber('ms.maxMs', range.maxMs, minMs);
  const draw = random();
  return () => minMs + draw() * (maxMs - minMs);
}
