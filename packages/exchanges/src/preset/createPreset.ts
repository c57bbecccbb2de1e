import {
  BreakwaterConfigError,
  type CallContext,
  type HttpBreakerOptions,
  type Outcome,
} from '@breakwater/core';
import {
  createCallContext,
  createRuleClassifier,
  expectBoolean,
  expectFunction,
  expectObject,
  type HttpRequestInfo,
  type KnownKeys,
  rejectUnknownKeys,
  resolveAdapterBreakerOptions,
  resolveHttpBreakerOptions,
} from '@breakwater/core/adapter';
import type { ExchangeEndpoint } from '../types.ts';
import type { ExchangeSpec } from './ExchangeSpec.ts';
import { presetKeys } from './presetKeys.ts';
import { presetRule } from './presetRule.ts';
import { savedOutcome } from './savedOutcome.ts';
import type {
  ClassifyOptions,
  ExchangeClassifier,
  ExchangePreset,
  ExchangePresetOptions,
  ExchangeRequest,
  ExchangeVerdict,
  SavedResponse,
} from './types.ts';

/** The keys of {@link ExchangePresetOptions}, for presets that add their own. */
export const presetOptionKeys: KnownKeys<ExchangePresetOptions> = {
  groups: true,
  keyPrefix: true,
  environment: true,
  onResponse: true,
  registry: true,
  breaker: true,
};

/**
 * Builds an exchange preset: plain HTTP breaker options (key, context, classify, bodyRules,
 * idempotent, onResponse) that every Breakwater HTTP adapter accepts, whose `classify` also
 * classifies saved responses. Not part of the public API.
 * @throws BreakwaterConfigError on an invalid option
 */
export function createPreset(
  spec: ExchangeSpec,
  options: ExchangePresetOptions = {},
  known: Readonly<Record<string, true>> = presetOptionKeys,
): ExchangePreset {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  if (options.groups !== undefined) expectBoolean('groups', options.groups);
  const prefix = keyPart('keyPrefix', options.keyPrefix ?? spec.exchange);
  const environment =
    options.environment === undefined ? undefined : keyPart('environment', options.environment);
  if (options.onResponse !== undefined) expectFunction('onResponse', options.onResponse);
  const breaker = resolveAdapterBreakerOptions(options.breaker, 'breaker');
  const keyOf = presetKeys(prefix, environment, options.groups !== false);
  // The guard asks for the key, the context and the idempotency of one request in a row: the
  // endpoint is worked out once for them.
  let lastRequest: HttpRequestInfo | undefined;
  let lastEndpoint: ExchangeEndpoint | undefined;
  const endpointOf = (request: HttpRequestInfo): ExchangeEndpoint => {
    if (request !== lastRequest || lastEndpoint === undefined) {
      lastEndpoint = spec.endpointOf(request.url, request.method.toUpperCase(), request);
      lastRequest = request;
    }
    return lastEndpoint;
  };

  const rule = presetRule(spec.rules, spec.changesState);
  const key = (request: HttpRequestInfo) => keyOf(request.url.host, endpointOf(request).group);
  // The endpoint name reaches the rules (is this an order? a status endpoint? futures?) and the
  // breaker's events.
  const context = (request: HttpRequestInfo): Partial<CallContext> => ({
    endpoint: endpointOf(request).endpoint,
  });
  // Placing an order is never safe to repeat, whatever the method check says; other requests
  // keep it (GET and DELETE, or an Idempotency-Key header).
  const idempotent = (request: HttpRequestInfo): boolean | undefined =>
    request.method.toUpperCase() === 'POST' && endpointOf(request).group === 'order'
      ? false
      : undefined;
  const onResponse = combine(spec.feedback, options.onResponse);
  const adapterOptions: HttpBreakerOptions = {
    ...breaker,
    key,
    context,
    classify: rule,
    bodyRules: spec.bodyRule,
    idempotent,
    ...(onResponse === undefined ? {} : { onResponse }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  };
  // Validates the preset once, as an adapter will, and gives the body rules as adapters apply
  // them.
  const { bodyRules } = resolveHttpBreakerOptions(adapterOptions);

  // The core's rule runner, as every adapter's HttpGuard runs the preset's rule: the saved
  // response gets the verdict a live one would, bit for bit.
  let ruleError: unknown;
  const runRules = createRuleClassifier(rule, {
    onRuleError: (error) => {
      ruleError = error;
    },
  });
  const classifySaved = (
    request: ExchangeRequest,
    response: SavedResponse,
    classifyOptions: ClassifyOptions = {},
  ): ExchangeVerdict => {
    const info = requestInfo(request);
    const endpoint = endpointOf(info);
    const name = key(info);
    const ctx = createCallContext(info, name, idempotent(info), context(info));
    const outcome = savedOutcome(response, bodyRules, info.url);
    ruleError = undefined;
    const verdict = runRules(outcome, ctx, nowOf(classifyOptions));
    if (verdict === undefined) throw ruleError;
    return {
      ...verdict,
      exchange: spec.exchange,
      group: endpoint.group,
      endpoint: endpoint.endpoint,
      key: name,
      idempotent: ctx.idempotent === true,
    };
  };
  const classify = ((first: unknown, second: unknown, third?: unknown) =>
    isOutcome(first)
      ? rule(first, second as CallContext | undefined, third as number)
      : classifySaved(
          first as ExchangeRequest,
          second as SavedResponse,
          third as ClassifyOptions | undefined,
        )) as ExchangeClassifier;
  const preset: ExchangePreset = { ...adapterOptions, key, context, idempotent, classify };
  return Object.freeze(preset);
}

/** An outcome has a `kind`; a request to classify has a `url`. */
function isOutcome(value: unknown): value is Outcome {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'response' || kind === 'error';
}

function requestInfo(request: ExchangeRequest): HttpRequestInfo {
  expectObject('request', request as unknown);
  let url: URL;
  try {
    url = request.url instanceof URL ? request.url : new URL(String(request.url));
  } catch {
    throw new BreakwaterConfigError('request.url', 'an absolute URL', request.url);
  }
  const method = request.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
    throw new BreakwaterConfigError('request.method', 'an HTTP method such as GET', method);
  }
  return { url, method: method.toUpperCase(), headers: request.headers };
}

function nowOf(options: ClassifyOptions): number {
  expectObject('options', options as unknown);
  const now = options.now ?? Date.now();
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new BreakwaterConfigError('now', 'an epoch time in milliseconds', now);
  }
  return now;
}

function keyPart(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || /[?#\s]/.test(value)) {
    throw new BreakwaterConfigError(option, 'a non-empty string without spaces, ? or #', value);
  }
  return value;
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
