import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { CallContext, ErrorOutcome, Outcome, ResponseOutcome, Verdict } from '../Outcome.ts';
import { expectFunction, expectInteger, expectString } from '../validate.ts';
import { responseOf } from './defaultClassifier.ts';
import { findCause, hasCodeIn, hasNameIn } from './errorTraits.ts';
import { normalizeVerdict } from './verdicts.ts';

/**
 * One classification rule: a verdict for the outcomes it recognises, `undefined` (no opinion)
 * for the others. `createClassifier()` tries rules in order and falls back to the default
 * classification (`defaultClassifier`). `nowMs` is the breaker clock's time, for parsing dates.
 */
export type ClassifierRule = (
  outcome: Outcome,
  ctx: CallContext | undefined,
  nowMs: number,
) => Verdict | undefined;

/**
 * What a rule answers when it matches: a fixed verdict, or a function of the matched outcome
 * that may still return `undefined` for no opinion.
 */
export type RuleVerdict<O extends Outcome = Outcome> =
  | Verdict
  | ((outcome: O, ctx: CallContext | undefined, nowMs: number) => Verdict | undefined);

/** A status, a list of statuses, or an inclusive range such as `{ min: 500, max: 599 }`. */
export type StatusMatch =
  | number
  | readonly number[]
  | { readonly min: number; readonly max: number };

/** Matches a header's value: case-insensitively equal to a string, a pattern, or a predicate. */
export type HeaderMatch = string | RegExp | ((value: string) => boolean);

/**
 * A rule for responses whose status matches; errors carrying a response (axios, got, ky) match
 * too, as their response.
 * @throws BreakwaterConfigError when a status is not an integer from 0 to 999, a range is
 * reversed, or `verdict` is not a verdict or a function
 * @example `onStatus({ min: 520, max: 527 }, failure('server'))`
 */
export function onStatus(
  statuses: StatusMatch,
  verdict: RuleVerdict<ResponseOutcome>,
): ClassifierRule {
  const matches = statusMatcher(statuses);
  const answer = ruleVerdict('onStatus.verdict', verdict);
  return (outcome, ctx, nowMs) => {
    const response = responseOf(outcome);
    if (response === undefined || !matches(response.status)) return undefined;
    return typeof answer === 'function' ? answer(response, ctx, nowMs) : answer;
  };
}

/**
 * A rule for errors with one of `codes` as their `code`, or in their `cause` chain.
 * @throws BreakwaterConfigError when a code is not a non-empty string or a number
 * @example `onErrorCode(['EPROTO', 'ECONNRESET'], failure('network'))`
 */
export function onErrorCode(
  codes: string | number | readonly (string | number)[],
  verdict: RuleVerdict<ErrorOutcome>,
): ClassifierRule {
  const set = valueSet('onErrorCode.codes', codes, true);
  return errorRule(set, hasCodeIn, ruleVerdict('onErrorCode.verdict', verdict));
}

/**
 * A rule for errors with one of `names` as their `name`, or in their `cause` chain.
 * @throws BreakwaterConfigError when a name is not a non-empty string
 * @example `onErrorName('InsufficientFundsError', ignore('client'))`
 */
export function onErrorName(
  names: string | readonly string[],
  verdict: RuleVerdict<ErrorOutcome>,
): ClassifierRule {
  const set = valueSet('onErrorName.names', names, false);
  return errorRule(set, hasNameIn, ruleVerdict('onErrorName.verdict', verdict));
}

/**
 * A rule for responses with header `name` present and matching: a string matches the trimmed
 * value case-insensitively, a RegExp is tested (its `g` and `y` flags are dropped so it keeps no
 * state), a function decides.
 * @throws BreakwaterConfigError when `name` is empty, `match` is none of the above, or `verdict`
 * is not a verdict or a function
 * @example `onHeader('x-maintenance', 'true', failure('maintenance'))`
 */
export function onHeader(
  name: string,
  match: HeaderMatch,
  verdict: RuleVerdict<ResponseOutcome>,
): ClassifierRule {
  const header = expectString('onHeader.name', name);
  const test = headerTest(match);
  const answer = ruleVerdict('onHeader.verdict', verdict);
  return (outcome, ctx, nowMs) => {
    const response = responseOf(outcome);
    if (response === undefined) return undefined;
    const value = response.header(header);
    if (value === null || !test(value)) return undefined;
    return typeof answer === 'function' ? answer(response, ctx, nowMs) : answer;
  };
}

/**
 * A rule for responses that carry a parsed body (the adapters read small JSON and text bodies
 * when a body rule asks). `match` returns a verdict, `true` for `verdict`, or `false` /
 * `undefined` for no opinion.
 * @throws BreakwaterConfigError when `match` is not a function or `verdict` is not a verdict;
 * at classification time, when `match` returns `true` and no `verdict` was given
 * @example `onBody((body) => (body as { code?: number })?.code === -1003, failure('rate_limit'))`
 */
export function onBody(
  match: (body: unknown, outcome: ResponseOutcome) => Verdict | boolean | undefined,
  verdict?: Verdict,
): ClassifierRule {
  const test = expectFunction<typeof match>('onBody.match', match);
  const answer = verdict === undefined ? undefined : normalizeVerdict('onBody.verdict', verdict);
  return (outcome) => {
    const response = responseOf(outcome);
    if (response === undefined || response.body === undefined) return undefined;
    const result = test(response.body, response);
    if (result === true) {
      if (answer === undefined) {
        throw new BreakwaterConfigError(
          'onBody.verdict',
          'a verdict when match returns true',
          answer,
        );
      }
      return answer;
    }
    return result === false ? undefined : result;
  };
}

/**
 * A rule for any outcome `predicate` accepts.
 * @throws BreakwaterConfigError when `predicate` is not a function or `verdict` is not a verdict
 * or a function
 * @example `when((o, ctx) => ctx?.endpoint === 'ws-auth' && o.kind === 'error', ignore('auth'))`
 */
export function when(
  predicate: (outcome: Outcome, ctx: CallContext | undefined) => boolean,
  verdict: RuleVerdict,
): ClassifierRule {
  const test = expectFunction<typeof predicate>('when.predicate', predicate);
  const answer = ruleVerdict('when.verdict', verdict);
  return (outcome, ctx, nowMs) => {
    if (!test(outcome, ctx)) return undefined;
    return typeof answer === 'function' ? answer(outcome, ctx, nowMs) : answer;
  };
}

function errorRule(
  values: ReadonlySet<unknown>,
  test: (link: object, values: ReadonlySet<unknown>) => boolean,
  answer: RuleVerdict<ErrorOutcome>,
): ClassifierRule {
  return (outcome, ctx, nowMs) => {
    if (outcome.kind !== 'error' || findCause(outcome.error, test, values) === undefined) {
      return undefined;
    }
    return typeof answer === 'function' ? answer(outcome, ctx, nowMs) : answer;
  };
}

function ruleVerdict<O extends Outcome>(path: string, verdict: RuleVerdict<O>): RuleVerdict<O> {
  return typeof verdict === 'function' ? verdict : normalizeVerdict(path, verdict);
}

function statusMatcher(statuses: StatusMatch): (status: number) => boolean {
  const path = 'onStatus.statuses';
  if (typeof statuses === 'number') {
    const only = expectInteger(path, statuses, 0, 999);
    return (status) => status === only;
  }
  if (Array.isArray(statuses)) {
    if (statuses.length === 0)
      throw new BreakwaterConfigError(path, 'at least one status', statuses);
    const set = new Set(statuses.map((s, i) => expectInteger(`${path}[${i}]`, s, 0, 999)));
    return (status) => set.has(status);
  }
  if (typeof statuses !== 'object' || statuses === null) {
    throw new BreakwaterConfigError(
      path,
      'a status, an array of statuses or { min, max }',
      statuses,
    );
  }
  const range = statuses as { min: unknown; max: unknown };
  const min = expectInteger(`${path}.min`, range.min, 0, 999);
  const max = expectInteger(`${path}.max`, range.max, min, 999);
  return (status) => status >= min && status <= max;
}

function valueSet(
  path: string,
  values: string | number | readonly (string | number)[],
  allowNumbers: boolean,
): ReadonlySet<unknown> {
  const list: readonly unknown[] = Array.isArray(values) ? values : [values];
  if (list.length === 0) throw new BreakwaterConfigError(path, 'at least one value', values);
  list.forEach((value, i) => {
    const ok =
      (typeof value === 'string' && value.length > 0) ||
      (allowNumbers && typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      const expected = allowNumbers ? 'a non-empty string or a number' : 'a non-empty string';
      throw new BreakwaterConfigError(
        Array.isArray(values) ? `${path}[${i}]` : path,
        expected,
        value,
      );
    }
  });
  return new Set(list);
}

function headerTest(match: HeaderMatch): (value: string) => boolean {
  if (typeof match === 'string') {
    const expected = match.trim().toLowerCase();
    return (value) => value.trim().toLowerCase() === expected;
  }
  if (match instanceof RegExp) {
    // A global or sticky RegExp remembers `lastIndex` between tests: drop those flags.
    const pattern = new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
    return (value) => pattern.test(value);
  }
  if (typeof match !== 'function') {
    throw new BreakwaterConfigError('onHeader.match', 'a string, a RegExp or a function', match);
  }
  return match;
}
