import type { Clock } from '../Clock.ts';
import { createRuleClassifier, type RuleClassifier } from '../classify/createClassifier.ts';
import type { ClassifierRule } from '../classify/rules.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import type { CallContext, Outcome } from '../Outcome.ts';
import type { RetryPolicyOptions } from '../policies/RetryPolicy.ts';
import type { BreakerRegistry } from '../registry/BreakerRegistry.ts';
import type { RegistryBreakerOptions } from '../registry/resolveBreakerRegistryOptions.ts';
import {
  expectBoolean,
  expectFunction,
  expectInteger,
  expectObject,
  expectTimeoutMs,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import { type HttpRetry, resolveHttpRetry } from './HttpRetry.ts';
import { registryClock } from './registryClock.ts';
import {
  type AdapterBreakerOptions,
  resolveAdapterBreakerOptions,
} from './resolveAdapterBreakerOptions.ts';
import type { BodyRule, HttpRequestInfo, ResolvedBodyRule } from './types.ts';

/**
 * What every HTTP adapter accepts (`withBreaker(fetch, options)`, `protectCcxt`); the adapters
 * that hook into a client with a retry of its own (axios, got, ky, the undici interceptor) take
 * it without `retry`: {@link HookBreakerOptions}. Exchange presets are objects of this type.
 * Every option is optional.
 *
 * The options of the breakers the adapter creates, one per key, sit at the top level with the
 * adapter's own: every breaker option but `name` (each breaker is named after its key),
 * `classify` (the adapter's own applies) and `initialState` (see `AdapterBreakerOptions`):
 * `{ strategy: { failureCount: 5 }, openMs: 30_000, timeoutMs: 5_000 }`. A breaker that already
 * exists keeps its options; when they differ from these, the registry reports a `conflict`.
 * Without any, the registry's defaults apply.
 */
export interface HttpBreakerOptions
  extends Omit<RegistryBreakerOptions, 'classify' | 'initialState'> {
  /**
   * Where the breakers live, one per key.
   * @defaultValue `defaultRegistry()`, the process-wide registry, read at each request
   */
  registry?: BreakerRegistry;
  /**
   * Names the breaker of a request (see `deriveKey`): an endpoint group for APIs whose
   * endpoints fail apart. The result names the breaker in errors and metrics: never put a
   * query string or a secret in it.
   * @defaultValue the request's origin, `url.origin`
   */
  key?: (request: HttpRequestInfo) => string;
  /**
   * This adapter's classification rules, applied to its own requests before the breaker's rules
   * and the default classification, even on a breaker another adapter created. What a rule
   * throws goes to the breaker's `onListenerError` (source `classify[i]`).
   * @defaultValue `[]`
   */
  classify?: ClassifierRule | readonly ClassifierRule[];
  /**
   * When to read a response body so that rules (`onBody`) see it as `outcome.body`; see
   * {@link BodyRule}.
   * @defaultValue `[]`: bodies are never read
   */
  bodyRules?: BodyRule | readonly BodyRule[];
  /**
   * Called with the outcome of every request that went out (a response, or an error such as a
   * reset or a timeout), before the breaker records it: exchange presets feed rate-limit headers
   * to a limiter here. Not called for rejected, bypassed or cancelled requests. What it throws
   * goes to the breaker's `onListenerError` (source `onResponse`) and never affects the request.
   */
  onResponse?: (outcome: Outcome, context: CallContext) => void;
  /**
   * Retries of idempotent requests with the core `RetryPolicy`, each attempt one breaker call;
   * an open breaker ends them. Only where the adapter runs the whole request (fetch, ccxt): hook
   * adapters take {@link HookBreakerOptions} and their client's own retry. Its `clock` defaults
   * to the breakers' (`clock`, else the registry's); `classifyResult` is the adapter's.
   * @defaultValue `false`: no retry
   */
  retry?: false | Omit<RetryPolicyOptions, 'classifyResult'>;
  /**
   * A deadline for each attempt, in milliseconds, until the response (and a body read for
   * rules) arrives; a `timeout` failure. Hook adapters map it to their client's timeout.
   * @defaultValue none
   */
  timeoutMs?: number;
  /**
   * Whether requests are safe to repeat, instead of the method and `Idempotency-Key` check
   * (`isIdempotent`): a boolean, or a function that may return `undefined` to keep the check.
   * @defaultValue `isIdempotent(method, headers)`
   */
  idempotent?: boolean | ((request: HttpRequestInfo) => boolean | undefined);
  /**
   * Fields merged over the derived call context of each request (under the per-request
   * `breakwater.context`): an `endpoint` name for rules, events and metrics. Exchange presets
   * name the endpoint here (`AddOrder`, `/api/v3/order`), so their rules know what was called.
   * Like `key`, it must be cheap and never put a query string or a secret in a field.
   * @defaultValue none: `endpoint` is the breaker key
   */
  context?: (request: HttpRequestInfo) => Partial<CallContext> | undefined;
}

/**
 * The options of an adapter that hooks into a client with a retry of its own (axios, got, ky,
 * the undici interceptor): {@link HttpBreakerOptions} without `retry`, which such an adapter
 * rejects, naming its client's retry.
 */
export type HookBreakerOptions = Omit<HttpBreakerOptions, 'retry'>;

/** What an adapter tells its `HttpGuard` about its client. */
export interface HttpGuardOptions {
  /**
   * The client's own retry, when the adapter hooks into a client that retries by itself
   * (`'axios-retry'`, ``"got's own `retry` option"``): the guard then rejects the `retry` option
   * and a per-request `breakwater.retry` with a `BreakwaterConfigError` that names it.
   * @defaultValue none: `retry` applies (`HttpGuard.execute()`)
   */
  readonly clientRetry?: string;
}

/** The validated, frozen form of {@link HttpBreakerOptions}. */
export interface ResolvedHttpBreakerOptions {
  readonly registry: BreakerRegistry | undefined;
  /**
   * The breaker options, passed (this same object) to `registry.get(key, …)` on every request;
   * `undefined` when none were given.
   */
  readonly breaker: Readonly<AdapterBreakerOptions> | undefined;
  /**
   * The adapter's `classify` rules, applied by the guard itself before the breaker classifies:
   * they hold even for a breaker someone else created first in a shared registry.
   */
  readonly rules: RuleClassifier | undefined;
  /** The `key` option: the breaker a request goes to (default: its origin). */
  readonly key: ((request: HttpRequestInfo) => string) | undefined;
  readonly bodyRules: readonly ResolvedBodyRule[];
  /** The `onResponse` hook, called with every response's outcome. */
  readonly onResponse: ((outcome: Outcome, context: CallContext) => void) | undefined;
  /** The `retry` option's policy, built once. */
  readonly retry: HttpRetry | undefined;
  readonly timeoutMs: number | undefined;
  /** The `idempotent` option: overrides the method-based idempotency check. */
  readonly idempotent: boolean | ((request: HttpRequestInfo) => boolean | undefined) | undefined;
  /** The `context` option: extra `CallContext` fields for a request. */
  readonly context: ((request: HttpRequestInfo) => Partial<CallContext> | undefined) | undefined;
}

/** The adapter's own options, besides those of its breakers. */
const knownKeys: KnownKeys<Omit<HttpBreakerOptions, keyof AdapterBreakerOptions>> = {
  registry: true,
  key: true,
  classify: true,
  bodyRules: true,
  onResponse: true,
  retry: true,
  timeoutMs: true,
  idempotent: true,
  context: true,
};

const bodyRuleKeys: KnownKeys<BodyRule> = { match: true, maxBytes: true };

/** The default `maxBytes` of a body rule: 64 KiB, more than any exchange's error body. */
export const defaultBodyMaxBytes = 65_536;

/**
 * Validates {@link HttpBreakerOptions} once, when an adapter is created; adapters pass the
 * options through and never check them again.
 * @param guard - what the adapter tells about its client (see {@link HttpGuardOptions})
 * @param onRuleError - where what a `classify` rule throws goes, with the rule's index
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveHttpBreakerOptions(
  options: HttpBreakerOptions = {},
  { clientRetry }: HttpGuardOptions = {},
  onRuleError?: (error: unknown, index: number) => void,
): ResolvedHttpBreakerOptions {
  expectObject('options', options as unknown);
  if (clientRetry !== undefined && options.retry !== undefined) {
    throw clientRetryError('retry', clientRetry, options.retry);
  }
  if ((options as { breaker?: unknown }).breaker !== undefined) {
    throw new BreakwaterConfigError(
      'breaker',
      'the breaker options at the top level (`{ strategy, openMs, … }`): `breaker` was removed',
      (options as { breaker?: unknown }).breaker,
    );
  }
  const breaker = resolveAdapterBreakerOptions(options, '', knownKeys);
  const registry = resolveRegistry(options.registry);
  return Object.freeze({
    registry,
    breaker,
    rules:
      options.classify === undefined
        ? undefined
        : createRuleClassifier(options.classify, onRuleError && { onRuleError }),
    key:
      options.key === undefined
        ? undefined
        : expectFunction<(request: HttpRequestInfo) => string>('key', options.key),
    bodyRules: resolveBodyRules(options.bodyRules),
    onResponse:
      options.onResponse === undefined
        ? undefined
        : expectFunction<(outcome: Outcome, context: CallContext) => void>(
            'onResponse',
            options.onResponse,
          ),
    retry:
      options.retry === undefined || options.retry === false
        ? undefined
        : resolveHttpRetry('retry', options.retry, retryClock(breaker, registry)),
    timeoutMs: resolveTimeoutMs('timeoutMs', options.timeoutMs),
    idempotent: resolveIdempotent(options.idempotent),
    context:
      options.context === undefined
        ? undefined
        : expectFunction<(request: HttpRequestInfo) => Partial<CallContext> | undefined>(
            'context',
            options.context,
          ),
  });
}

/**
 * The error for a `retry` given to an adapter whose client retries by itself. Not part of the
 * public API.
 */
export function clientRetryError(
  path: string,
  clientRetry: string,
  value: unknown,
): BreakwaterConfigError {
  return new BreakwaterConfigError(
    path,
    `no \`retry\` here: retry with ${clientRetry}, each attempt one breaker call`,
    value,
  );
}

/**
 * The clock of retries whose options name none: the clock of the breakers they retry. Not part
 * of the public API.
 */
export function retryClock(
  breaker: Readonly<AdapterBreakerOptions> | undefined,
  registry: BreakerRegistry | undefined,
): Clock {
  return breaker?.clock ?? registryClock(registry);
}

/**
 * A deadline: a number >= 1, or `Infinity` for none. Not part of the public API.
 * @throws BreakwaterConfigError naming `path`
 */
export function resolveTimeoutMs(path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return expectTimeoutMs(path, value);
}

function resolveRegistry(registry: unknown): BreakerRegistry | undefined {
  if (registry === undefined) return undefined;
  if (
    typeof registry !== 'object' ||
    registry === null ||
    typeof (registry as BreakerRegistry).get !== 'function'
  ) {
    throw new BreakwaterConfigError('registry', 'a BreakerRegistry', registry);
  }
  return registry as BreakerRegistry;
}

function resolveBodyRules(rules: unknown): readonly ResolvedBodyRule[] {
  if (rules === undefined) return [];
  const list: readonly unknown[] = Array.isArray(rules) ? rules : [rules];
  return Object.freeze(
    list.map((rule, i) => {
      const path = Array.isArray(rules) ? `bodyRules[${i}]` : 'bodyRules';
      expectObject(path, rule);
      rejectUnknownKeys(path, rule, bodyRuleKeys);
      const { match, maxBytes } = rule as BodyRule;
      return Object.freeze({
        match: match === undefined ? undefined : expectFunction(`${path}.match`, match),
        maxBytes: expectInteger(`${path}.maxBytes`, maxBytes ?? defaultBodyMaxBytes, 1),
      }) as ResolvedBodyRule;
    }),
  );
}

function resolveIdempotent(value: unknown): ResolvedHttpBreakerOptions['idempotent'] {
  if (value === undefined || typeof value === 'function') {
    return value as ResolvedHttpBreakerOptions['idempotent'];
  }
  return expectBoolean('idempotent', value);
}
