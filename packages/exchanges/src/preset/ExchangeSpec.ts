import type { CallContext, ClassifierRule, Outcome } from '@breakwater/core';
import type { BodyRule, HttpRequestInfo } from '@breakwater/core/adapter';
import type { ExchangeEndpoint, ExchangeId } from '../types.ts';

/** What an exchange module gives {@link createPreset}. Not part of the public API. */
export interface ExchangeSpec {
  readonly exchange: ExchangeId;
  /** The endpoint group and name of a request; `method` is upper case. */
  readonly endpointOf: (url: URL, method: string, request: HttpRequestInfo) => ExchangeEndpoint;
  /**
   * Whether a non-idempotent call to `endpoint` (a name from `endpointOf`) may change state:
   * only those can have an uncertain effect. Kraken's private reads are POSTs that change
   * nothing.
   */
  readonly changesState: (endpoint: string) => boolean;
  /**
   * The exchange's rules, tried in order; the first verdict wins, and the core's default
   * classification decides when none has one. They see the call context with the endpoint name.
   */
  readonly rules: readonly ClassifierRule[];
  /** When to read a body for the rules. */
  readonly bodyRule: BodyRule;
  /** The preset's own `onResponse` (rate-limit feedback), when configured. */
  readonly feedback?: ((outcome: Outcome, context: CallContext) => void) | undefined;
}
