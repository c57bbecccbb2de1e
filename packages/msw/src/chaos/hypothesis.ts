import type { BreakerState } from '@breakwater/core';
import {
  expectBoolean,
  expectFunction,
  expectInteger,
  expectNumber,
  expectRate,
  expectString,
} from '@breakwater/core/adapter';
import { readOptions } from '../internal/validate.ts';
import type { Check, CheckResult, ExperimentRecord } from './types.ts';

/**
 * Composable checks for a chaos experiment's hypothesis and guards. Each takes what it was given
 * at creation and evaluates a record; each explains its verdict in `reason`.
 */

const pass = (reason: string): CheckResult => ({ ok: true, reason });
const fail = (reason: string): CheckResult => ({ ok: false, reason });

/** Start of the first fault: calls and times are counted from there. */
function faultsBegin(record: ExperimentRecord): number {
  return record.faults.reduce((min, fault) => Math.min(min, fault.startMs), Infinity);
}

/**
 * The breaker opens within `calls` calls, counted from the first call made once a fault is
 * active (the call during which it opens included).
 *
 * @example `opensWithin(10)`
 * @throws BreakwaterConfigError when `calls` is not an integer >= 1
 */
export function opensWithin(calls: number): Check {
  const limit = expectInteger('calls', calls, 1);
  return {
    description: `opens within ${limit} calls`,
    evaluate(record) {
      const begin = faultsBegin(record);
      const counted = record.calls.filter((call) => call.startMs >= begin);
      const first = counted[0]?.index ?? Infinity;
      const opened = record.transitions.find(
        (transition) => transition.to === 'open' && transition.callIndex >= first,
      );
      if (opened !== undefined) {
        const n = counted.filter((call) => call.index <= opened.callIndex).length;
        const text = `opened after ${n} calls (limit ${limit})`;
        return n <= limit ? pass(text) : fail(text);
      }
      const text = `did not open in ${counted.length} calls since the faults began`;
      return record.finished || counted.length >= limit ? fail(text) : pass(text);
    },
  };
}

/**
 * At most `requests` requests reach the mock server (on the faulted routes) while the breaker
 * is open or half-open: the half-open probes, and anything that bypasses an open breaker.
 *
 * @example `maxRequestsWhileOpen(3)`
 * @throws BreakwaterConfigError when `requests` is not an integer >= 0
 */
export function maxRequestsWhileOpen(requests: number): Check {
  const limit = expectInteger('requests', requests, 0);
  return {
    description: `at most ${limit} requests reach the server while open`,
    evaluate(record) {
      const n = record.hits.filter((hit) => isOpen(hit.state)).length;
      const text = `${n} requests reached the server while open or half-open (limit ${limit})`;
      return n <= limit ? pass(text) : fail(text);
    },
  };
}

/** Open or half-open: the states in which a breaker holds calls back. */
export function isOpen(state: BreakerState): boolean {
  return state === 'open' || state === 'half_open';
}

/**
 * The breaker is closed at most `ms` milliseconds after the last fault ends (the recovery).
 *
 * @example `closesWithin(2_000)`
 * @throws BreakwaterConfigError when `ms` is not a finite number >= 0
 */
export function closesWithin(ms: number): Check {
  const limit = expectNumber('ms', ms, 0);
  return {
    description: `closes within ${limit} ms after recovery`,
    evaluate(record) {
      const recovery = record.faults.reduce((max, fault) => Math.max(max, fault.endMs), 0);
      if (recovery === Infinity) return fail('no fault ends, so there is no recovery');
      if (record.elapsedMs < recovery) {
        const text = `the faults end at ${recovery} ms, after the experiment (${record.elapsedMs} ms)`;
        return record.finished ? fail(text) : pass(text);
      }
      // The state once everything that happened at the recovery instant has happened.
      const before = record.transitions.filter((transition) => transition.atMs <= recovery);
      const state = before.at(-1)?.to ?? 'closed';
      if (state === 'closed') return pass('was closed when the faults ended');
      const closed = record.transitions
        .slice(before.length)
        .find((transition) => transition.to === 'closed');
      if (closed !== undefined) {
        const after = closed.atMs - recovery;
        const text = `closed ${after} ms after recovery (limit ${limit} ms)`;
        return after <= limit ? pass(text) : fail(text);
      }
      const waited = record.elapsedMs - recovery;
      const text = `not closed ${waited} ms after recovery (limit ${limit} ms)`;
      return record.finished || waited > limit ? fail(text) : pass(text);
    },
  };
}

/** Options for {@link failureRateBelow}. */
export interface FailureRateOptions {
  /**
   * Count rejections by the breaker as failures: the caller did not get an answer.
   * @defaultValue `true`
   */
  includeRejected?: boolean;
  /**
   * Calls needed before the rate is judged (useful in guards).
   * @defaultValue `1`
   */
  minCalls?: number;
}

/**
 * Fewer than `rate` of the calls failed as the caller saw them: failures, abandoned calls and,
 * unless told otherwise, rejections.
 *
 * @example `failureRateBelow(0.2)`
 * @throws BreakwaterConfigError when `rate` is not in [0, 1] or an option is invalid
 */
export function failureRateBelow(rate: number, options?: FailureRateOptions): Check {
  const limit = expectRate('rate', rate, true);
  const raw = readOptions('', options, { includeRejected: true, minCalls: true });
  const includeRejected = expectBoolean('includeRejected', raw.includeRejected ?? true);
  const minCalls = expectInteger('minCalls', raw.minCalls ?? 1, 1);
  return {
    description: `failure rate below ${limit}`,
    evaluate(record) {
      const total = record.calls.length;
      if (total < minCalls) return pass(`${total} calls, fewer than ${minCalls} to judge`);
      const failed = record.calls.filter(
        (call) =>
          call.outcome === 'failure' ||
          call.outcome === 'abandoned' ||
          (includeRejected && call.outcome === 'rejected'),
      ).length;
      const observed = failed / total;
      const text = `failure rate ${round(observed)} (${failed} of ${total} calls, limit ${limit})`;
      return observed < limit ? pass(text) : fail(text);
    },
  };
}

/**
 * The breaker never leaves `closed`: the faults stay below its thresholds.
 * @example `staysClosed()`
 */
export function staysClosed(): Check {
  return {
    description: 'stays closed',
    evaluate(record) {
      const left = record.transitions.find((transition) => transition.from === 'closed');
      if (left === undefined) return pass('never left closed');
      return fail(`went ${left.to} at ${left.atMs} ms (call ${left.callIndex})`);
    },
  };
}

/**
 * A check of your own: `predicate` returns `true`/`false` or a {@link CheckResult}.
 * @example `check('no timeouts', (r) => r.calls.every((c) => c.category !== 'timeout'))`
 * @throws BreakwaterConfigError when `description` is empty or `predicate` is not a function
 */
export function check(
  description: string,
  predicate: (record: ExperimentRecord) => boolean | CheckResult,
): Check {
  const text = expectString('description', description);
  const fn = expectFunction<typeof predicate>('predicate', predicate);
  return {
    description: text,
    evaluate(record) {
      const result = fn(record);
      return typeof result === 'boolean'
        ? { ok: result, reason: result ? 'held' : 'violated' }
        : result;
    },
  };
}

/** Holds when every check holds; the reason lists the failed ones (or all, when it holds). */
export function allOf(...checks: Check[]): Check {
  return combine('all of', checks, (results) => results.every((result) => result.ok));
}

/** Holds when at least one check holds. */
export function anyOf(...checks: Check[]): Check {
  return combine('any of', checks, (results) => results.some((result) => result.ok));
}

function combine(word: string, checks: Check[], holds: (results: CheckResult[]) => boolean): Check {
  checks.forEach((item, i) => {
    expectFunction(`checks[${i}].evaluate`, (item as Partial<Check> | undefined)?.evaluate);
  });
  return {
    description: `${word} (${checks.map((item) => item.description).join('; ')})`,
    evaluate(record) {
      const results = checks.map((item) => item.evaluate(record));
      const ok = holds(results);
      const shown = results
        .map((result, i) => ({ result, description: checks[i]!.description }))
        .filter(({ result }) => ok || !result.ok);
      return {
        ok,
        reason: shown
          .map(({ description, result }) => `${description}: ${result.reason}`)
          .join('; '),
      };
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
