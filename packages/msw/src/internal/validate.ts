import { BreakwaterConfigError } from '@breakwater/core';
import {
  expectInteger,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';

/**
 * The option checks of `@breakwater/msw` that the core's (`expectInteger`, `expectClock`, …) do
 * not cover. Each throws a `BreakwaterConfigError` naming the option. Not part of the public API.
 */

/** Returns `value` as an options object (`{}` when undefined), rejecting unknown keys. */
export function readOptions<T extends object>(
  path: string,
  value: T | undefined,
  known: KnownKeys<T>,
): Partial<Record<keyof T, unknown>> {
  if (value === undefined) return {};
  expectObject(path || 'options', value);
  rejectUnknownKeys(path, value, known);
  return value as Partial<Record<keyof T, unknown>>;
}

/** An HTTP status a `Response` can carry for an error: 400–599. */
export function expectErrorStatus(path: string, value: unknown): number {
  return expectInteger(path, value, 400, 599);
}

/** A plain object of header names to string values. */
export function expectHeaders(path: string, value: unknown): Record<string, string> {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((header) => typeof header === 'string');
  if (!ok) throw new BreakwaterConfigError(path, 'an object of string header values', value);
  return { ...(value as Record<string, string>) };
}

/** Epoch milliseconds from a number or a `Date`. */
export function expectInstant(path: string, value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new BreakwaterConfigError(path, 'a Date or epoch milliseconds', value);
  }
  return ms;
}
