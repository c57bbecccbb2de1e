import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { Jitter } from './types.ts';

/** Validates a {@link Jitter} option. */
export function expectJitter(path: string, value: unknown): Jitter {
  if (value === 'full' || value === 'equal') return value;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw new BreakwaterConfigError(path, "a ratio from 0 to 1, 'full' or 'equal'", value);
}
