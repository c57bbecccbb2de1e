import { BreakwaterConfigError } from '@breakwater/core';
import { expectFunction, expectInteger } from '@breakwater/core/adapter';
import { readOptions } from '../internal/validate.ts';
import type { Fault } from './types.ts';

/** One step of a {@link sequence}: a fault and how many requests it answers. */
export interface SequenceStep {
  fault: Fault;
  /**
   * Requests this step answers before the next step takes over.
   * @defaultValue `1`
   */
  times?: number;
}

/** Options for {@link sequence}. */
export interface SequenceOptions {
  /**
   * Start over at the first step after the last one, instead of moving on to `after`.
   * @defaultValue `false`
   */
  loop?: boolean;
  /**
   * Answers the requests after the last step.
   * @defaultValue none: they fall through to the next matching handler
   */
  after?: Fault;
}

/**
 * Plays faults one after another, each for a number of requests: a storm of 503s, a few slow
 * answers, a connection error, then recovery. A bare fault is a step of one request. A step
 * whose fault falls through (returns `undefined`, as `latency` does after its wait) lets that
 * request through and still uses it up.
 *
 * @example
 * ```ts
 * server.use(http.get(url, sequence([
 *   { fault: statusStorm(503), times: 3 },
 *   { fault: latency(2_000, { clock }), times: 2 },
 *   connectionError(),
 * ])));
 * // requests 1–3: 503; 4–5: 2 s late; 6: network error; then the regular handlers
 * ```
 * @throws BreakwaterConfigError when there is no step, a step is invalid or an option is
 * invalid
 */
export function sequence(
  steps: readonly (Fault | SequenceStep)[],
  options?: SequenceOptions,
): Fault {
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new BreakwaterConfigError('steps', 'a non-empty array of faults or steps', steps);
  }
  const plan = steps.map((step, i) => resolveStep(`steps[${i}]`, step));
  const raw = readOptions('', options, { loop: true, after: true });
  if (raw.loop !== undefined && typeof raw.loop !== 'boolean') {
    throw new BreakwaterConfigError('loop', 'true or false', raw.loop);
  }
  const loop = raw.loop === true;
  if (loop && plan.every((step) => step.times === 0)) {
    throw new BreakwaterConfigError('steps', 'a step with times >= 1 when looping', steps);
  }
  const after = raw.after === undefined ? undefined : expectFunction<Fault>('after', raw.after);
  let index = 0;
  let used = 0;
  return (info) => {
    for (;;) {
      const step = plan[index];
      if (step === undefined) {
        if (!loop) return after?.(info);
        index = 0;
        continue;
      }
      if (used < step.times) {
        used++;
        return step.fault(info);
      }
      index++;
      used = 0;
    }
  };
}

function resolveStep(path: string, step: Fault | SequenceStep): Required<SequenceStep> {
  if (typeof step === 'function') return { fault: step, times: 1 };
  const raw = readOptions(path, step, { fault: true, times: true });
  return {
    fault: expectFunction<Fault>(`${path}.fault`, raw.fault),
    times: expectInteger(`${path}.times`, raw.times ?? 1, 0, Infinity),
  };
}
