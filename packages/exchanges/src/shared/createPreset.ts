import {
  type BreakerRegistry,
  BreakwaterConfigError,
  type CallContext,
  type ClassifierRule,
  type HttpBreakerOptions,
  type Outcome,
} from '@breakwater/core';
import {
  type AdapterBreakerOptions,
  type BodyRule,
  expectBoolean,
  expectFunction,
  expectObject,
  type HttpRequestInfo,
  type KnownKeys,
  rejectUnknownKeys,
  resolveAdapterBreakerOptions,
} from '@breakwater/core/adapter';
import type { EndpointGroup, ExchangeEndpoint, ExchangeId } from '../types.ts';

/** Options every exchange preset accepts. */
export interface ExchangePresetOptions {
  /**
   * One breaker per endpoint group (`<prefix>:public`, `<prefix>:private`, `<prefix>:order`):
   * market data, account reads and orders fail for different reasons and recover apart, and a
   * flood of 429s on market data must not stop a stop-loss order. `false` puts every request
   * of the exchange behind one breaker named `<prefix>`.
   * @defaultValue `true`
   */
  groups?: boolean;
  /**
   * The first part of every breaker key.
   * @defaultValue the exchange id (`'kraken'`, `'binance'`, …)
   */
  keyPrefix?: string;
  /** Called with every outcome, after the preset's own rate-limit feedback (if any). */
  onResponse?: (outcome: Outcome, context: CallContext) => void;
  /** Where the breakers live. @defaultValue the adapter's default, the process-wide registry */
  registry?: BreakerRegistry;
  /**
   * Options of the breakers the adapter creates (`strategy`, `openMs`, `halfOpen`, …), put at
   * the top level of the preset. The same as spreading them next to it:
   * `{ ...krakenPreset(), openMs: 30_000 }`.
   * @defaultValue the registry's defaults
   */
  breaker?: AdapterBreakerOptions;
}

/** What an exchange module gives {@link createPreset}. Not part of the public API. */
export interface PresetSpec {
  readonly exchange: ExchangeId;
  readonly rules: readonly ClassifierRule[];
  readonly endpointOf: (url: URL, method: string, request: HttpRequestInfo) => ExchangeEndpoint;
  readonly bodyRule: BodyRule;
  /** The preset's own `onResponse` (rate-limit feedback), when configured. */
  readonly feedback?: ((outcome: Outcome, context: CallContext) => void) | undefined;
}

/** The keys of {@link ExchangePresetOptions}, for presets that add their own. */
export const presetOptionKeys: KnownKeys<ExchangePresetOptions> = {
  groups: true,
  keyPrefix: true,
  onResponse: true,
  registry: true,
  breaker: true,
};

/**
 * Builds an exchange preset: plain {@link HttpBreakerOptions} (key, classify, bodyRules,
 * idempotent, onResponse) that every Breakwater HTTP adapter accepts. Not part of the public
 * API.
 * @throws BreakwaterConfigError on an invalid option
 */
export function createPreset(
  spec: PresetSpec,
  options: ExchangePresetOptions = {},
  known: Readonly<Record<string, true>> = presetOptionKeys,
): HttpBreakerOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  if (options.groups !== undefined) expectBoolean('groups', options.groups);
  const prefix = options.keyPrefix ?? spec.exchange;
  if (typeof prefix !== 'string' || prefix === '' || /[?#\s]/.test(prefix)) {
    throw new BreakwaterConfigError(
      'keyPrefix',
      'a non-empty string without spaces, ? or #',
      prefix,
    );
  }
  if (options.onResponse !== undefined) expectFunction('onResponse', options.onResponse);
  const breaker = resolveAdapterBreakerOptions(options.breaker, 'breaker');
  const grouped = options.groups !== false;
  const { endpointOf, feedback } = spec;
  const keys: Readonly<Record<EndpointGroup, string>> = {
    public: grouped ? `${prefix}:public` : prefix,
    private: grouped ? `${prefix}:private` : prefix,
    order: grouped ? `${prefix}:order` : prefix,
  };
  const preset: HttpBreakerOptions = {
    ...breaker,
    key: (request) => keys[endpointOf(request.url, request.method.toUpperCase(), request).group],
    classify: spec.rules,
    bodyRules: spec.bodyRule,
    // Placing an order is never safe to repeat, whatever the method check says; other requests
    // keep it (GET and DELETE, or an Idempotency-Key header).
    idempotent: (request) => {
      const method = request.method.toUpperCase();
      return endpointOf(request.url, method, request).group === 'order' && method === 'POST'
        ? false
        : undefined;
    },
  };
  const onResponse = combine(feedback, options.onResponse);
  if (onResponse !== undefined) preset.onResponse = onResponse;
  if (options.registry !== undefined) preset.registry = options.registry;
  return Object.freeze(preset);
}

function combine(
  first: ((outcome: Outcome, context: CallContext) => void) | undefined,
  second: ((outcome: Outcome, context: CallContext) => void) | undefined,
): ((outcome: Outcome, context: CallContext) => void) | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return (outcome, context) => {
    first(outcome, context);
    second(outcome, context);
  };
}

/** The last path segment, as a low-cardinality endpoint name. Not part of the public API. */
export function lastSegment(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}
