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
