import {
  expectBoolean,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import { clientRetryError, resolveTimeoutMs } from './resolveHttpBreakerOptions.ts';
import type { BreakerRequestOptions } from './types.ts';

const knownKeys: KnownKeys<BreakerRequestOptions> = {
  bypass: true,
  key: true,
  timeoutMs: true,
  retry: true,
  idempotent: true,
  context: true,
};

/**
 * Checks the per-request options of one request (`init.breakwater` for fetch); option paths in
 * errors start with `breakwater.`. Runs only for requests that carry such options.
 * @param clientRetry - the client's own retry, for an adapter whose client retries by itself:
 * `retry` is then rejected, naming it (see `HttpGuardOptions`)
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveBreakerRequestOptions(
  options: unknown,
  clientRetry?: string,
): BreakerRequestOptions {
  const path = 'breakwater';
  expectObject(path, options);
  rejectUnknownKeys(path, options, knownKeys);
  const o = options as BreakerRequestOptions;
  if (o.bypass !== undefined) expectBoolean(`${path}.bypass`, o.bypass);
  if (o.key !== undefined) expectString(`${path}.key`, o.key);
  resolveTimeoutMs(`${path}.timeoutMs`, o.timeoutMs);
  if (clientRetry !== undefined && o.retry !== undefined) {
    throw clientRetryError(`${path}.retry`, clientRetry, o.retry);
  }
  // Checked where the guard builds its policy: once per options object.
  if (o.retry !== undefined && o.retry !== false) expectObject(`${path}.retry`, o.retry);
  if (o.idempotent !== undefined) expectBoolean(`${path}.idempotent`, o.idempotent);
  if (o.context !== undefined) expectObject(`${path}.context`, o.context);
  return o;
}
