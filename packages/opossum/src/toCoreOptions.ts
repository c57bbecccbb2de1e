/**
 * The one module that names `@breakwater/core`'s breaker options: when the core renames or
 * moves one, this file is what changes.
 */
import {
  type Backoff,
  type BreakerOptions,
  BreakwaterConfigError,
  constantBackoff,
  type DurableState,
  isBreakwaterConfigError,
} from '@breakwater/core';
import {
  type BreakerStrategy,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';

/**
 * What `options.breakwater` takes: the core's breaker options that opossum has no name for.
 * Everything else (`name`, thresholds, the window, timeouts) comes from opossum's own options.
 */
export type BreakwaterOptions = Pick<
  BreakerOptions,
  | 'classify'
  | 'openOnRetryAfter'
  | 'maxRetryAfterMs'
  | 'halfOpen'
  | 'openMs'
  | 'maxRecoveryAttempts'
  | 'store'
  | 'clock'
  | 'onListenerError'
>;

const knownKeys: KnownKeys<BreakwaterOptions> = {
  classify: true,
  openOnRetryAfter: true,
  maxRetryAfterMs: true,
  halfOpen: true,
  openMs: true,
  maxRecoveryAttempts: true,
  store: true,
  clock: true,
  onListenerError: true,
};

/** Checks the shape of `options.breakwater`; the core checks each value when it is built. */
export function checkBreakwaterOptions(value: unknown): BreakwaterOptions {
  if (value === undefined) return {};
  expectObject('breakwater', value);
  rejectUnknownKeys('breakwater', value, knownKeys);
  return value as BreakwaterOptions;
}

/** What the drop-in decided from opossum's options, in the core's terms. */
export interface CoreInputs {
  readonly name: string;
  /** opossum's `resetTimeout`: the open period unless `breakwater.openMs` replaces it. */
  readonly resetTimeout: number;
  readonly createTripRule: () => BreakerStrategy;
  readonly breakwater: BreakwaterOptions;
  /** Epoch ms a restored open state ends at, or `'halfOpen'` for a restored half-open one. */
  readonly restoredOpenUntil: number | 'halfOpen' | undefined;
  readonly now: number;
}

/** Builds the core breaker's options. */
export function toCoreOptions(inputs: CoreInputs): BreakerOptions {
  const { breakwater } = inputs;
  return {
    ...breakwater,
    name: inputs.name,
    strategy: inputs.createTripRule,
    openMs: breakwater.openMs ?? sharedConstantBackoff(inputs.resetTimeout),
    ...(inputs.restoredOpenUntil === undefined
      ? {}
      : { initialState: restoredState(inputs.restoredOpenUntil, inputs.now) }),
  };
}

/**
 * One immutable backoff per `resetTimeout` value, shared by the breakers that use it: a backoff
 * holds two closures, and apps create many breakers with the same few timeouts. Bounded, so
 * breakers with ever-changing timeouts cannot grow it.
 */
const backoffs = new Map<number, Backoff>();

function sharedConstantBackoff(resetTimeout: number): Backoff {
  let backoff = backoffs.get(resetTimeout);
  if (backoff === undefined) {
    backoff = constantBackoff(resetTimeout);
    if (backoffs.size < 64) backoffs.set(resetTimeout, backoff);
  }
  return backoff;
}

function restoredState(openUntil: number | 'halfOpen', now: number): DurableState {
  // The core reads a restored half-open state as "open, recovery due": the next call probes.
  if (openUntil === 'halfOpen') {
    return { state: 'half_open', version: 0, openedAt: now, openUntil: now, recoveryAttempt: 0 };
  }
  return { state: 'open', version: 0, openedAt: now, openUntil, recoveryAttempt: 0 };
}

/**
 * The core names an invalid option by its own path (`halfOpen.maxProbes`); users wrote it under
 * `breakwater`, so the error says `breakwater.halfOpen.maxProbes`.
 */
export function underBreakwater(error: unknown): unknown {
  if (!isBreakwaterConfigError(error) || error.option.startsWith('breakwater.')) return error;
  const option = `breakwater.${error.option}`;
  const renamed = new BreakwaterConfigError(option, error.expected, undefined);
  Object.defineProperty(renamed, 'message', {
    value: error.message.replace(`\`${error.option}\``, `\`${option}\``),
    configurable: true,
    writable: true,
  });
  return renamed;
}
