import type { Clock } from '../Clock.ts';
import type { ClassifierRule } from '../classify/rules.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { Outcome, Verdict } from '../Outcome.ts';
import { type RetryPolicy, type RetryPolicyOptions, retry } from '../policies/RetryPolicy.ts';
import { expectObject } from '../validate.ts';

/**
 * Retry options of the HTTP glue: the core's `RetryPolicyOptions` without `classifyResult`, which
 * is the adapter's (it reads each response into the outcome the breaker classified).
 */
export type HttpRetryOptions = Omit<RetryPolicyOptions, 'classifyResult'>;

/**
 * The breaker's verdict on each attempt's outcome, and the outcome of each resolved value, kept
 * weakly for the retry policy: its classifier then agrees with the breaker (whose rules may come
 * from the registry), and a body read for rules is not read again. Not part of the public API.
 */
export class AttemptMemory {
  readonly #verdicts = new WeakMap<object, Verdict>();
  readonly #outcomes = new WeakMap<object, Outcome>();

  readonly verdictRule: ClassifierRule = (outcome) => {
    const key = outcome.kind === 'response' ? outcome : outcome.error;
    return typeof key === 'object' && key !== null ? this.#verdicts.get(key) : undefined;
  };

  readonly classifyResult = (value: unknown): Outcome | undefined =>
    typeof value === 'object' && value !== null ? this.#outcomes.get(value) : undefined;

  remember(key: unknown, outcome: Outcome | undefined, verdict: Verdict | undefined): void {
    if (typeof key !== 'object' || key === null) return;
    if (outcome !== undefined) this.#outcomes.set(key, outcome);
    if (verdict !== undefined) this.#verdicts.set(outcome ?? key, verdict);
  }
}

/**
 * The retry of `HttpGuard.execute()`: the policy built from one retry options object, and the
 * memory its attempts fill. Its outcomes and verdicts are keyed by objects no other request
 * holds, so one memory per policy serves every request that uses it. Not part of the public API.
 */
export interface HttpRetry {
  readonly policy: RetryPolicy;
  readonly memory: AttemptMemory;
}

/**
 * Validates retry options by building the one policy that will run them (the user's rules
 * first, then the breaker's verdict on the attempt, so both agree); nothing is built only to
 * check them. Not part of the public API.
 * @param path - where the options were given, for errors: `retry` or `breakwater.retry`
 * @param clock - the clock when the options name none: the breakers' (see `registryClock`)
 * @throws BreakwaterConfigError naming the invalid option under `path`
 */
export function resolveHttpRetry(path: string, options: unknown, clock: Clock): HttpRetry {
  expectObject(path, options);
  if (Object.hasOwn(options, 'classifyResult')) {
    throw new BreakwaterConfigError(
      `${path}.classifyResult`,
      'no classifyResult: the adapter reads each response into the outcome it retries on',
      options.classifyResult,
    );
  }
  const own = (options as HttpRetryOptions).classify;
  const memory = new AttemptMemory();
  let policy: RetryPolicy;
  try {
    policy = retry({
      ...options,
      clock: (options as HttpRetryOptions).clock ?? clock,
      // An invalid `classify` is passed as it is, for the policy to name it.
      classify:
        own === undefined
          ? [memory.verdictRule]
          : Array.isArray(own)
            ? [...own, memory.verdictRule]
            : typeof own === 'function'
              ? [own, memory.verdictRule]
              : own,
      classifyResult: memory.classifyResult,
    });
  } catch (error) {
    throw prefixed(path, error);
  }
  return Object.freeze({ policy, memory });
}

/**
 * The same config error with its option path moved under `path`. Not part of the public API.
 */
export function prefixed(path: string, error: unknown): unknown {
  if (!(error instanceof BreakwaterConfigError)) return error;
  const option = `${path}.${error.option}`;
  const moved = new BreakwaterConfigError(option, error.expected, undefined);
  moved.message = error.message.replace(`\`${error.option}\``, `\`${option}\``);
  return moved;
}
