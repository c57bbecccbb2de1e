import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { type Category, type Verdict, verdictCategories } from '../Outcome.ts';

/** What a failure may carry besides its category. */
export interface FailureExtra {
  /** How long the server asked to wait, in milliseconds (a number >= 0, `Infinity` allowed). */
  readonly retryAfterMs?: number;
  /**
   * The call may have taken effect. Set `false` to stop a classifier from marking a failure on a
   * non-idempotent call as uncertain.
   */
  readonly uncertainEffect?: boolean;
}

/** Every category a failure or an ignore can have: all but `none`, which only a success has. */
const categories = verdictCategories;

type VerdictTable = Readonly<Partial<Record<Category, Verdict>>>;

function table(verdict: Verdict['verdict'], uncertainEffect?: true): VerdictTable {
  const out: Partial<Record<Category, Verdict>> = Object.create(null);
  for (const category of categories) {
    out[category] = Object.freeze(
      uncertainEffect ? { verdict, category, uncertainEffect } : { verdict, category },
    );
  }
  return Object.freeze(out);
}

// Classification runs on every settled call: the common verdicts are built once, here, so
// classifying allocates nothing unless a failure carries a Retry-After.
const failures = table('failure');
const uncertainFailures = table('failure', true);
const ignores = table('ignore');

/**
 * The verdict of every success: `{ verdict: 'success', category: 'none' }`, frozen and shared.
 * Not part of the public API: users call {@link success}.
 */
export const successVerdict: Verdict = Object.freeze({ verdict: 'success', category: 'none' });

function lookup(tableOf: VerdictTable, category: Category): Verdict {
  const cached = tableOf[category];
  if (cached === undefined) {
    throw new BreakwaterConfigError(
      'category',
      `one of ${categories.map((c) => `'${c}'`).join(', ')}`,
      category,
    );
  }
  return cached;
}

/**
 * A failure verdict of `category`, for rules and `permit.settle()`. Without extras it returns a
 * frozen, shared object, so classifiers may call it on every call.
 * @throws BreakwaterConfigError when `category` is not a failure category, or `retryAfterMs` is
 * not a number >= 0
 * @example `onStatus(520, failure('server'))`, `failure('rate_limit', { retryAfterMs: 30_000 })`
 */
export function failure(category: Category, extra?: FailureExtra): Verdict {
  const cached = lookup(failures, category);
  if (extra === undefined) return cached;
  const { retryAfterMs, uncertainEffect } = extra;
  if (retryAfterMs === undefined) {
    if (uncertainEffect === undefined) return cached;
    if (uncertainEffect === true) return lookup(uncertainFailures, category);
  } else if (typeof retryAfterMs !== 'number' || !(retryAfterMs >= 0)) {
    throw new BreakwaterConfigError('retryAfterMs', 'a number >= 0', retryAfterMs);
  }
  if (uncertainEffect !== undefined && typeof uncertainEffect !== 'boolean') {
    throw new BreakwaterConfigError('uncertainEffect', 'true or false', uncertainEffect);
  }
  const verdict: { -readonly [K in keyof Verdict]: Verdict[K] } = {
    verdict: 'failure',
    category,
  };
  if (retryAfterMs !== undefined) verdict.retryAfterMs = retryAfterMs;
  if (uncertainEffect !== undefined) verdict.uncertainEffect = uncertainEffect;
  return Object.freeze(verdict);
}

/**
 * An ignore verdict of `category`, for rules: the call counts neither as a failure nor as a
 * success. The object is frozen and shared.
 * @throws BreakwaterConfigError when `category` is not a known category other than `none`
 * @example `onErrorCode('INSUFFICIENT_FUNDS', ignore('client'))`
 */
export function ignore(category: Category): Verdict {
  return lookup(ignores, category);
}

/**
 * The success verdict, for rules and `permit.settle()`.
 * @example `onStatus(404, success())` when a missing resource is an answer, not an error
 */
export function success(): Verdict {
  return successVerdict;
}

/**
 * `verdict` marked `uncertainEffect: true`: the call may have taken effect although it failed.
 * Returns `verdict` itself when it is already marked, and a shared object when it carries
 * nothing but its kind and category. Not part of the public API.
 */
export function withUncertainEffect(verdict: Verdict): Verdict {
  if (verdict.uncertainEffect === true) return verdict;
  if (
    verdict.verdict === 'failure' &&
    verdict.retryAfterMs === undefined &&
    !hasAnnotations(verdict)
  ) {
    const cached = uncertainFailures[verdict.category];
    if (cached !== undefined) return cached;
  }
  return Object.freeze({ ...verdict, uncertainEffect: true });
}

const verdictKinds: readonly string[] = ['failure', 'success', 'ignore'];

/**
 * True when `value` has the shape of a {@link Verdict}; for checking what user rules return. Not
 * part of the public API.
 */
export function isVerdict(value: unknown): value is Verdict {
  return (
    typeof value === 'object' &&
    value !== null &&
    verdictKinds.includes((value as Verdict).verdict) &&
    typeof (value as Verdict).category === 'string'
  );
}

/**
 * Checks a verdict a user passed to a rule builder and returns its frozen, shared equivalent, or
 * a frozen copy that keeps the fields a rule added (annotations such as error codes).
 * Not part of the public API.
 * @throws BreakwaterConfigError naming `path` when `value` is not a valid verdict
 */
export function normalizeVerdict(path: string, value: unknown): Verdict {
  if (value === successVerdict || isShared(value)) return value as Verdict;
  if (!isVerdict(value)) {
    throw new BreakwaterConfigError(
      path,
      "a verdict such as failure('server'), ignore('client') or success()",
      value,
    );
  }
  try {
    const checked =
      value.verdict === 'success'
        ? successVerdict
        : value.verdict === 'ignore'
          ? ignore(value.category)
          : failure(value.category, value);
    // A rule may annotate its verdict (an exchange's error codes, the failed items of a batch):
    // the checked fields win, the annotations ride along to the events.
    return hasAnnotations(value) ? Object.freeze({ ...value, ...checked }) : checked;
  } catch (error) {
    if (error instanceof BreakwaterConfigError) {
      throw new BreakwaterConfigError(
        `${path}.${error.option}`,
        error.expected,
        pick(value, error),
      );
    }
    throw error;
  }
}

const verdictFields: ReadonlySet<string> = new Set([
  'verdict',
  'category',
  'retryAfterMs',
  'uncertainEffect',
]);

/** True when `value` carries fields besides those of a {@link Verdict}. */
function hasAnnotations(value: object): boolean {
  for (const field in value) if (!verdictFields.has(field)) return true;
  return false;
}

/** True for a verdict built by {@link failure}, {@link ignore} or {@link success} without extras. */
function isShared(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { verdict, category } = value as Verdict;
  const table = verdict === 'failure' ? failures : verdict === 'ignore' ? ignores : undefined;
  return table?.[category] === value || uncertainFailures[category] === value;
}

function pick(value: Verdict, error: BreakwaterConfigError): unknown {
  return (value as unknown as Record<string, unknown>)[error.option];
}
