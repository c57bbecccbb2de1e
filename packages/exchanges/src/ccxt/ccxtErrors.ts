import { type BreakerOpenError, BreakwaterConfigError, type Category } from '@breakwater/core';
import { expectObject } from '@breakwater/core/adapter';

/** A ccxt error class, such as `ccxt.RateLimitExceeded`: constructed with a message. */
export type CcxtErrorClass = new (message: string) => Error;

/**
 * The ccxt error classes {@link protectCcxt} throws when a breaker is open: pass ccxt itself
 * (`{ errors: ccxt }`), or an object with at least `ExchangeNotAvailable` and one of
 * `RateLimitExceeded` or `DDoSProtection`.
 */
export interface CcxtErrorClasses {
  readonly ExchangeNotAvailable: CcxtErrorClass;
  readonly RateLimitExceeded?: CcxtErrorClass;
  readonly DDoSProtection?: CcxtErrorClass;
  readonly OnMaintenance?: CcxtErrorClass;
}

/** The ccxt error a breaker rejection becomes, by why the breaker opened. */
export interface ResolvedCcxtErrors {
  readonly rateLimit: CcxtErrorClass;
  readonly maintenance: CcxtErrorClass;
  readonly unavailable: CcxtErrorClass;
}

/**
 * Checks the `errors` option of {@link protectCcxt}. Not part of the public API.
 * @throws BreakwaterConfigError when a needed class is missing or not a constructor
 */
export function resolveCcxtErrors(errors: unknown): ResolvedCcxtErrors | undefined {
  if (errors === undefined) return undefined;
  expectObject('errors', errors);
  const classes = errors as Partial<Record<keyof CcxtErrorClasses, unknown>>;
  const unavailable = classes.ExchangeNotAvailable;
  if (typeof unavailable !== 'function') {
    throw new BreakwaterConfigError(
      'errors.ExchangeNotAvailable',
      'ccxt’s error class (pass { errors: ccxt })',
      unavailable,
    );
  }
  const rateLimit = classes.RateLimitExceeded ?? classes.DDoSProtection;
  if (typeof rateLimit !== 'function') {
    throw new BreakwaterConfigError(
      'errors.RateLimitExceeded',
      'ccxt’s error class, or DDoSProtection (pass { errors: ccxt })',
      rateLimit,
    );
  }
  const maintenance =
    typeof classes.OnMaintenance === 'function' ? classes.OnMaintenance : unavailable;
  return Object.freeze({
    rateLimit: rateLimit as CcxtErrorClass,
    maintenance: maintenance as CcxtErrorClass,
    unavailable: unavailable as CcxtErrorClass,
  });
}

/**
 * The ccxt error for a breaker that rejected a call: `RateLimitExceeded` when it opened on a
 * rate limit, `OnMaintenance` on maintenance, else `ExchangeNotAvailable` (all ccxt
 * `NetworkError`s, so ccxt's usual back-off catches them), with `retryAfterMs` and the
 * `BreakerOpenError` as `cause`, where `isBreakerOpenError()` still finds it. Not part of the
 * public API.
 */
export function ccxtErrorFor(
  open: BreakerOpenError,
  openedOn: Category | undefined,
  errors: ResolvedCcxtErrors,
  exchangeId: string,
): Error {
  const Class =
    openedOn === 'rate_limit'
      ? errors.rateLimit
      : openedOn === 'maintenance'
        ? errors.maintenance
        : errors.unavailable;
  const error = new Class(`${exchangeId} ${open.message}`);
  Object.defineProperty(error, 'cause', { value: open, configurable: true, writable: true });
  Object.defineProperty(error, 'retryAfterMs', {
    value: open.retryAfterMs,
    configurable: true,
    enumerable: true,
    writable: true,
  });
  return error;
}
