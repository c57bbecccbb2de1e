import type { BreakerState, Category, CircuitBreaker } from '@breakwater/core';
import type { TransitionReason } from '@breakwater/core/adapter';

/** What an experiment needs from the breaker under test: its name, state and events. */
export type ObservedBreaker = Pick<CircuitBreaker, 'name' | 'state' | 'on'>;

/**
 * How a call ended, as the breaker saw it: `success`, `failure` (counted toward opening),
 * `ignored` (a 4xx, a cancellation), `rejected` (the breaker refused it: nothing was sent), or
 * `abandoned` (still pending when the experiment stopped).
 */
export type CallOutcome = 'success' | 'failure' | 'ignored' | 'rejected' | 'abandoned';

/** One call of the load. Times are milliseconds since the experiment started. */
export interface CallRecord {
  readonly index: number;
  readonly startMs: number;
  /** When it settled, or when it was abandoned. */
  readonly endMs: number;
  readonly outcome: CallOutcome;
  /** The failure's or ignored outcome's category, `'rejected'` for a rejection. */
  readonly category: Category | undefined;
  readonly stateBefore: BreakerState;
  readonly stateAfter: BreakerState;
  /** `name` of what the call threw, if it threw. */
  readonly errorName: string | undefined;
}

/** A breaker transition seen during the experiment. */
export interface TransitionRecord {
  readonly atMs: number;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: TransitionReason;
  /** The call in flight (or last started) when it happened; `-1` before the first. */
  readonly callIndex: number;
}

/** A request that reached the mock server on a faulted route. */
export interface HitRecord {
  readonly atMs: number;
  /**
   * The fault's name. A request that passes several faults on its route is one hit, under the
   * last active fault that saw it (the one that answered it), else the first.
   */
  readonly fault: string;
  /** Whether that fault was active (could answer it) or let it through. */
  readonly active: boolean;
  /** The breaker's state when the request arrived. */
  readonly state: BreakerState;
  readonly callIndex: number;
}

/** When a fault was scheduled to be active, in ms since the start. */
export interface FaultWindow {
  readonly name: string;
  readonly startMs: number;
  /** `Infinity`: until the end of the experiment. */
  readonly endMs: number;
}

/** Everything an experiment observed; what checks evaluate. */
export interface ExperimentRecord {
  readonly calls: readonly CallRecord[];
  readonly transitions: readonly TransitionRecord[];
  readonly hits: readonly HitRecord[];
  readonly faults: readonly FaultWindow[];
  /** Milliseconds since the start. */
  readonly elapsedMs: number;
  /** `false` while the experiment runs (guards), `true` once it is over (the hypothesis). */
  readonly finished: boolean;
}

/** A check's verdict, with what was observed. */
export interface CheckResult {
  readonly ok: boolean;
  /** What was observed, e.g. `opened after 5 calls (limit 10)`. */
  readonly reason: string;
}

/**
 * A predicate over an {@link ExperimentRecord}: part of a steady-state hypothesis, or a guard
 * that stops the experiment. Evaluated on an unfinished record (a guard), a check fails only
 * once the record proves it cannot hold.
 */
export interface Check {
  /** What it expects, e.g. `opens within 10 calls`. */
  readonly description: string;
  /** Judges the experiment's record: passed, failed, or not decided yet. */
  evaluate(record: ExperimentRecord): CheckResult;
}

/** A check's verdict in a report. */
export interface CheckOutcome extends CheckResult {
  readonly description: string;
}

/** Why an experiment was stopped before its load was done. */
export interface EmergencyStop {
  /** `guard`: a guard check failed; `maxDuration`: the time limit passed. */
  readonly cause: 'guard' | 'maxDuration';
  readonly reason: string;
  readonly atMs: number;
}

/** Calls by outcome, and failures by category. */
export interface CallSummary {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly ignored: number;
  readonly rejected: number;
  readonly abandoned: number;
  readonly failuresByCategory: Readonly<Partial<Record<Category, number>>>;
}

/**
 * Requests that reached the mock server on the faulted routes, each counted once however many
 * faults share its route.
 */
export interface HitSummary {
  readonly total: number;
  /** While the breaker was open or half-open. */
  readonly whileOpen: number;
  /** By the fault each hit is recorded under (see `HitRecord.fault`); they add up to `total`. */
  readonly byFault: Readonly<Record<string, number>>;
}

/** What {@link runExperiment} returns. */
export interface ExperimentReport {
  readonly name: string;
  /** The hypothesis held and no emergency stop happened. */
  readonly passed: boolean;
  /** Why it did not pass: the stop, then each failed check. Empty when it passed. */
  readonly reasons: readonly string[];
  /** The hypothesis, check by check. */
  readonly checks: readonly CheckOutcome[];
  readonly stop: EmergencyStop | undefined;
  readonly durationMs: number;
  readonly calls: CallSummary;
  readonly serverHits: HitSummary;
  /** The breaker's transitions, in order. */
  readonly timeline: readonly TransitionRecord[];
  readonly record: ExperimentRecord;
}
