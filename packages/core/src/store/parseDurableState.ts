import type { BreakerState, DurableState } from './types.ts';

/** The format tag of a serialized {@link DurableState}. */
export const durableStateFormat = 'breakwater.state/1';

/**
 * A {@link DurableState} as JSON can hold it: tagged with its format, and `openUntil` is `null`
 * where the state has `Infinity` (a breaker that waits for a reset).
 */
export interface SerializedDurableState {
  readonly format: typeof durableStateFormat;
  readonly state: BreakerState;
  readonly version: number;
  readonly openedAt: number;
  readonly openUntil: number | null;
  readonly recoveryAttempt: number;
}

const states: ReadonlySet<unknown> = new Set<BreakerState>([
  'closed',
  'open',
  'half_open',
  'forced_open',
  'disabled',
]);

/**
 * Converts a state into its JSON-safe form, for stores that write JSON (files, Redis).
 * {@link parseDurableState} reads it back.
 *
 * @param state - The state to convert; it is not validated.
 * @returns A new object tagged `format: 'breakwater.state/1'`, with `openUntil: null` for
 * `Infinity`.
 * @example
 * ```ts
 * JSON.stringify(serializeDurableState(breaker.toJSON()));
 * ```
 */
export function serializeDurableState(state: DurableState): SerializedDurableState {
  return {
    format: durableStateFormat,
    state: state.state,
    version: state.version,
    openedAt: state.openedAt,
    openUntil: state.openUntil === Infinity ? null : state.openUntil,
    recoveryAttempt: state.recoveryAttempt,
  };
}

/**
 * Checks that `value` is a serialized {@link DurableState} (as made by
 * {@link serializeDurableState}, usually just read from JSON) and returns the state it holds.
 *
 * Accepts `openUntil: null` or `Infinity` for a breaker that waits for a reset, and ignores keys
 * it does not know. Error messages name the offending field and the type received, never the
 * value: a store may hold anything, and messages end up in logs.
 *
 * @param value - Parsed JSON, or any value.
 * @returns A new frozen state.
 * @throws `Error` when `value` is not tagged `format: 'breakwater.state/1'` or a field is missing
 * or out of range: `state` one of the five states, `version` and `recoveryAttempt` non-negative
 * integers, `openedAt` and `openUntil` finite non-negative numbers (`openUntil` may be `null`).
 * @example
 * ```ts
 * const state = parseDurableState(JSON.parse(text));
 * ```
 */
export function parseDurableState(value: unknown): DurableState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`expected an object, received ${typeName(value)}`);
  }
  const record = value as Record<string, unknown>;
  if (record.format !== durableStateFormat) {
    throw invalid(
      record.format === undefined
        ? `it has no \`format\` tag (expected '${durableStateFormat}')`
        : `\`format\` is not '${durableStateFormat}'`,
    );
  }
  const state = record.state;
  if (!states.has(state)) {
    throw invalid(
      `\`state\` must be one of 'closed', 'open', 'half_open', 'forced_open', 'disabled', ` +
        `received ${typeName(state)}`,
    );
  }
  const openUntil = record.openUntil === null ? Infinity : record.openUntil;
  return Object.freeze({
    state: state as BreakerState,
    version: integer(record, 'version'),
    openedAt: time('openedAt', record.openedAt),
    openUntil: openUntil === Infinity ? Infinity : time('openUntil', openUntil),
    recoveryAttempt: integer(record, 'recoveryAttempt'),
  });
}

/**
 * The largest version or attempt count accepted: far beyond any breaker's life (a transition a
 * millisecond for 140 000 years), and leaving room to count on without leaving the safe integers.
 */
const maxCount = 2 ** 52;

function integer(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > maxCount) {
    throw invalid(`\`${field}\` must be an integer from 0 to 2^52, received ${typeName(value)}`);
  }
  return value;
}

function time(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    const allowed = field === 'openUntil' ? ' (or null for no end)' : '';
    throw invalid(
      `\`${field}\` must be a finite non-negative number${allowed}, received ${typeName(value)}`,
    );
  }
  return value;
}

/** The type of a value, and for numbers which kind, without the value itself. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return 'an infinite number';
    if (value < 0) return 'a negative number';
    if (!Number.isInteger(value)) return 'a fractional number';
    return Number.isSafeInteger(value) ? 'a number' : 'an unsafe integer';
  }
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function invalid(problem: string): Error {
  return new Error(`Invalid breaker state: ${problem}.`);
}
