import { BreakwaterError, hasBreakwaterCode } from './BreakwaterError.ts';

/**
 * Thrown at construction time when an option is invalid. The message names the option path,
 * what is allowed and what was received:
 * ``Invalid option `halfOpen.maxProbes`: expected an integer >= 1, received 0.``
 */
export class BreakwaterConfigError extends BreakwaterError {
  readonly code = 'BREAKWATER_CONFIG' as const;
  override readonly name = 'BreakwaterConfigError';
  /** Dotted path of the offending option, e.g. `halfOpen.maxProbes`. */
  readonly option: string;
  /** What the option accepts. */
  readonly expected: string;

  constructor(option: string, expected: string, received: unknown) {
    super(
      `Invalid option \`${option}\`: expected ${expected}, received ${describeValue(received)}.`,
    );
    this.option = option;
    this.expected = expected;
  }

  /**
   * The error for an option nobody knows (a typo such as `jiter`), with the closest known name:
   * ``Unknown option `jiter` (did you mean `jitter`?): expected one of jitter.``
   */
  static unknownOption(option: string, known: readonly string[]): BreakwaterConfigError {
    const error = new BreakwaterConfigError(option, `one of ${known.join(', ')}`, undefined);
    const name = option.slice(option.lastIndexOf('.') + 1);
    const guess = closest(name, known);
    const hint = guess === undefined ? '' : ` (did you mean \`${guess}\`?)`;
    error.message = `Unknown option \`${option}\`${hint}: expected ${error.expected}.`;
    return error;
  }
}

/** The known name within two edits of `name` (a typo), if there is one. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance; option names are short, so the quadratic table is a few hundred cells. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** True when `value` is a {@link BreakwaterConfigError} from any copy of Breakwater. */
export function isBreakwaterConfigError(value: unknown): value is BreakwaterConfigError {
  return hasBreakwaterCode(value, 'BREAKWATER_CONFIG');
}

/** A short, safe description of a received value (never a whole object's contents). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object with keys ${
    Object.keys(value as object)
      .slice(0, 5)
      .join(', ') || '(none)'
  }`;
}
