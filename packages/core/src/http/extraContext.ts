import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { CallContext } from '../Outcome.ts';
import type { HttpRequestInfo } from './types.ts';

/**
 * The fields merged over a request's derived call context: those of the adapter's `context`
 * option, then the per-request ones, which win. Not part of the public API.
 * @throws BreakwaterConfigError when the `context` option returns neither an object nor
 * `undefined`
 */
export function extraContext(
  fromOptions: ((request: HttpRequestInfo) => Partial<CallContext> | undefined) | undefined,
  request: HttpRequestInfo,
  perRequest: Partial<CallContext> | undefined,
): Partial<CallContext> | undefined {
  if (fromOptions === undefined) return perRequest;
  const fields: unknown = fromOptions(request);
  if (fields === undefined) return perRequest;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new BreakwaterConfigError(
      'context',
      'a function that returns an object or undefined',
      fields,
    );
  }
  return perRequest === undefined ? fields : { ...fields, ...perRequest };
}
