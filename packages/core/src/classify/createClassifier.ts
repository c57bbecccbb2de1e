import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { reportCallbackError, rethrowInMicrotask } from '../events/Emitter.ts';
import type { CallContext, Outcome, Verdict } from '../Outcome.ts';
import { expectFunction, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import { applyUncertainEffect, defaultClassifier } from './defaultClassifier.ts';
import type { ClassifierRule } from './rules.ts';
import { normalizeVerdict } from './verdicts.ts';

/**
 * Turns an outcome into a verdict; the breaker calls it once per settled call with its clock's
 * time. It never throws.
 */
export type Classifier = (outcome: Outcome, ctx: CallContext | undefined, nowMs: number) => Verdict;

/** Options for {@link createClassifier}. */
export interface ClassifierOptions {
  /**
   * Receives what a rule threw, or a `BreakwaterConfigError` when a rule returned something that
   * is not a verdict, with the rule's index. The rule then counts as having no opinion.
   * @defaultValue rethrows the error in a microtask, outside the call being classified
   */
  onRuleError?: (error: unknown, index: number) => void;
}

const known: KnownKeys<ClassifierOptions> = { onRuleError: true };

/** Default `onRuleError`: a broken rule must surface, but never inside the caller's call. */
const rethrowRuleError = (error: unknown): void => rethrowInMicrotask(error, 'classify');

/**
 * Builds a classifier that tries `rules` in order and takes the first verdict; when no rule has
 * an opinion, {@link defaultClassifier} decides. A rule that throws counts as no opinion, and its
 * error goes to `onRuleError`.
 *
 * A rule's `server`, `timeout` or `network` failure on a call whose context says
 * `idempotent: false` is marked `uncertainEffect: true`, as the default classifier's are, unless
 * the rule set `uncertainEffect` itself (`failure('server', { uncertainEffect: false })`).
 *
 * @throws BreakwaterConfigError when a rule is not a function, or an option is invalid
 * @example
 * ```ts
 * const classify = createClassifier([
 *   onStatus(404, success()),
 *   onHeader('x-maintenance', 'true', failure('maintenance')),
 * ]);
 * classify(outcome, { method: 'POST', idempotent: false }, clock.now());
 * ```
 */
export function createClassifier(
  rules?: ClassifierRule | readonly ClassifierRule[],
  options: ClassifierOptions = {},
): Classifier {
  const list = ruleList(rules);
  expectObject('classifier options', options);
  rejectUnknownKeys('', options, known);
  const onRuleError =
    options.onRuleError === undefined
      ? rethrowRuleError
      : expectFunction<NonNullable<ClassifierOptions['onRuleError']>>(
          'onRuleError',
          options.onRuleError,
        );
  if (list.length === 0) return defaultClassifier;

  const rulesOnly = ruleClassifier(list, onRuleError);
  return (outcome, ctx, nowMs) =>
    rulesOnly(outcome, ctx, nowMs) ?? defaultClassifier(outcome, ctx, nowMs);
}

/** A classifier made of rules alone: a verdict, or `undefined` when no rule has an opinion. */
export type RuleClassifier = (
  outcome: Outcome,
  ctx: CallContext | undefined,
  nowMs: number,
) => Verdict | undefined;

/**
 * A classifier made of rules alone: the first rule's verdict, or `undefined` when no rule has an
 * opinion (where {@link createClassifier} would fall back to the default classification). For
 * code that layers its own rules over a breaker's, such as an HTTP adapter sharing a breaker
 * another adapter created.
 * @throws BreakwaterConfigError when a rule is not a function, or an option is invalid
 */
export function createRuleClassifier(
  rules: ClassifierRule | readonly ClassifierRule[],
  options: ClassifierOptions = {},
): RuleClassifier {
  const list = ruleList(rules);
  expectObject('classifier options', options);
  rejectUnknownKeys('', options, known);
  const onRuleError =
    options.onRuleError === undefined
      ? rethrowRuleError
      : expectFunction<NonNullable<ClassifierOptions['onRuleError']>>(
          'onRuleError',
          options.onRuleError,
        );
  return ruleClassifier(list, onRuleError);
}

function ruleClassifier(
  list: readonly ClassifierRule[],
  onRuleError: (error: unknown, index: number) => void,
): RuleClassifier {
  // What the handler throws surfaces in a microtask, never inside the call being classified.
  const report = (error: unknown, index: number): void =>
    reportCallbackError((e) => onRuleError(e, index), error, `classify[${index}]`);
  return (outcome, ctx, nowMs) => {
    for (let i = 0; i < list.length; i++) {
      let verdict: unknown;
      try {
        verdict = (list[i] as ClassifierRule)(outcome, ctx, nowMs);
      } catch (error) {
        report(error, i);
        continue;
      }
      if (verdict === undefined || verdict === null) continue;
      let checked: Verdict;
      try {
        // A hand-made verdict is checked like one from failure(): a NaN, negative or string
        // retryAfterMs would make the open period vanish, an unknown category miscount.
        checked = normalizeVerdict(`classify[${i}]`, verdict);
      } catch (error) {
        report(error, i);
        continue;
      }
      try {
        return applyUncertainEffect(checked, outcome, ctx);
      } catch {
        // An error whose cause chain cannot be read: keep the rule's verdict as it is.
        return checked;
      }
    }
    return undefined;
  };
}

function ruleList(rules: ClassifierRule | readonly ClassifierRule[] | undefined) {
  if (rules === undefined) return [];
  if (typeof rules === 'function') return [rules];
  if (!Array.isArray(rules)) {
    throw new BreakwaterConfigError('classify', 'a rule or an array of rules', rules);
  }
  return rules.map((rule, i) => expectFunction<ClassifierRule>(`classify[${i}]`, rule));
}
