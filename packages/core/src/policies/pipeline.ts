import { CircuitBreaker } from '../CircuitBreaker.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { Action, ExecuteOptions, Policy } from './Policy.ts';
import { TimeoutPolicy } from './TimeoutPolicy.ts';

/** A policy that may also have events (every Breakwater policy and the breaker do). */
export interface PolicyWithEvents extends Policy {
  /** Subscribes to one of the policy's events; returns the unsubscribe function. */
  on?(event: never, listener: never): () => void;
}

/** The options a policy's `execute` accepts (`BulkheadExecuteOptions` for a bulkhead, …). */
export type ExecuteOptionsOf<P> = P extends {
  /** The policy's `execute`, whose options are inferred. */
  execute(fn: never, options?: infer O): unknown;
}
  ? O
  : never;

type Intersect<U> = (U extends unknown ? (value: U) => void : never) extends (
  value: infer I,
) => void
  ? I
  : never;

/** The per-call options of a pipeline: what every member accepts (`weight`, `priority`, …). */
export type PipelineExecuteOptions<P extends readonly Policy[]> = ExecuteOptions &
  Intersect<ExecuteOptionsOf<P[number]>>;

/** A member's `on` method, or `never` when it has none. */
type OnOf<M> = M extends { on: infer F } ? F : never;

/**
 * A pipeline's `on`: the members' `on` methods as overloads, so `on('rateLimited', listener)`
 * types its payload as the limiter's. When two members emit an event of the same name (the
 * breaker's and the timeout policy's `timeout`), the listener receives both payloads but is
 * typed by the outermost member's: annotate the union if you listen to such an event.
 */
export type PipelineOn<P extends readonly Policy[]> = [OnOf<P[number]>] extends [never]
  ? (event: never, listener: never) => () => void
  : Intersect<OnOf<P[number]>>;

/** A composition of policies; itself a {@link Policy}, so pipelines nest. */
export interface Pipeline<P extends readonly Policy[]> extends Policy {
  /** The members, outermost first. */
  readonly policies: P;
  /**
   * Runs `fn` through every member, outermost first. The options (`context`, `timeoutMs`,
   * `weight`, `priority`, …) reach every member; each member gets the signal its outer
   * neighbour passed down, so a deadline or abort reaches everything inside it.
   */
  execute<T>(fn: Action<T>, options?: PipelineExecuteOptions<P>): Promise<T>;
  /**
   * Subscribes `listener` to `event` on every member that has it, so the pipeline re-emits its
   * members' events; returns one idempotent unsubscribe function for all of them.
   */
  readonly on: PipelineOn<P>;
  /** Returns a function with `fn`'s signature whose calls run through the pipeline. */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => PromiseLike<R>,
    options?: PipelineExecuteOptions<P>,
  ): (...args: A) => Promise<R>;
}

/**
 * Composes policies, outermost first: `pipeline(a, b, c).execute(fn)` runs
 * `a.execute(() => b.execute(() => c.execute(fn)))`. The recommended order, outermost first, is
 * fallback → retry → breaker → rate limiter → timeout → bulkhead:
 * - fallback outside everything, so it also answers when retries run out or the breaker is open;
 * - retry outside the breaker, so an open breaker stops the retries at once (its rejection is
 *   not retried), and each attempt is counted by the breaker;
 * - the rate limiter inside the breaker, so an open breaker spends no weight, and its rejections
 *   (like the bulkhead's) are `ignore` for the breaker: holding back is not a failure;
 * - the timeout inside the breaker, so a timeout counts as the breaker's `timeout` failure, and
 *   inside the limiter, so waiting for weight does not eat into the call's deadline;
 * - the bulkhead innermost, so the deadline also covers the wait for a slot and an aborted call
 *   leaves the queue (set `queueTimeoutMs` below the timeout to have a full bulkhead rejected,
 *   which the breaker ignores, rather than timed out, which it counts).
 *
 * @throws BreakwaterConfigError when no policy is given or a member has no `execute` method
 * @example
 * ```ts
 * const policy = pipeline(
 *   retry({ maxAttempts: 3 }),
 *   breaker,
 *   rateLimiter({ capacity: 6000, refill: { amount: 100, intervalMs: 1_000 }, maxWaitMs: 1_000 }),
 *   timeout(5_000),
 *   bulkhead({ maxConcurrent: 8, maxQueue: 32 }),
 * );
 * policy.on('rateLimited', (event) => console.warn(event));
 * // The retry repeats only a failure of a call known to be idempotent: fetch resolves on a 503,
 * // so throw with the response (classified as that response), and say the call is idempotent.
 * const ticker = await policy.execute(
 *   async (signal) => {
 *     const res = await fetch(url, { signal });
 *     if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: res });
 *     return res.json();
 *   },
 *   { weight: 2, context: { method: 'GET', idempotent: true } },
 * );
 * ```
 */
export function pipeline<const P extends readonly Policy[]>(...policies: P): Pipeline<P> {
  if (policies.length === 0) {
    throw new BreakwaterConfigError('policies', 'at least one policy', 'none');
  }
  policies.forEach((policy, index) => {
    if (typeof (policy as Partial<Policy> | null)?.execute !== 'function') {
      throw new BreakwaterConfigError(`policies[${index}]`, 'a policy with execute()', policy);
    }
  });
  const members = Object.freeze([...policies]) as unknown as P;
  const runners = fuse(members);
  const single = runners.length === 1 ? runners[0]! : undefined;
  const self: Pipeline<P> = {
    policies: members,
    execute<T>(fn: Action<T>, options?: PipelineExecuteOptions<P>): Promise<T> {
      // hot path: `pipeline(breaker, timeout(ms))` is one fused runner, called directly.
      if (single !== undefined) return single.execute(fn, options);
      const run = (index: number, signal: AbortSignal | undefined): PromiseLike<T> => {
        if (index === runners.length) return fn(signal);
        // A member that passes no signal down must not cut the caller's abort off from the rest.
        const inner = signal ?? options?.signal;
        return runners[index]!.execute(
          (next) => run(index + 1, next ?? inner),
          index === 0 ? options : { ...options, signal: inner },
        );
      };
      return run(0, options?.signal) as Promise<T>;
    },
    on: ((event: never, listener: never) => {
      const unsubscribes: Array<() => void> = [];
      for (const member of members as readonly PolicyWithEvents[]) {
        if (typeof member.on === 'function') unsubscribes.push(member.on(event, listener));
      }
      return () => {
        for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      };
    }) as PipelineOn<P>,
    wrap(fn, options) {
      return (...args) => self.execute(() => fn(...args), options);
    },
  };
  return Object.freeze(self);
}

/**
 * The members as the pipeline runs them: a breaker directly followed by a timeout policy becomes
 * one runner whose deadline records the breaker's outcome in its own promise reactions, so the
 * most common composition costs about what a breaker with a built-in deadline would. Events,
 * `policies` and behaviour are those of the two members.
 */
function fuse(members: readonly Policy[]): readonly Policy[] {
  const runners: Policy[] = [];
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    const next = members[i + 1];
    if (member instanceof CircuitBreaker && next instanceof TimeoutPolicy) {
      runners.push({
        execute: <T>(fn: Action<T>, options?: ExecuteOptions) =>
          member.executeWithin(fn, options, next),
      });
      i++;
    } else {
      runners.push(member);
    }
  }
  return runners;
}
