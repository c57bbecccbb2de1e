import type { Outcome } from '@breakwater/core';
import { type ResponseOutcome, responseFromError } from '@breakwater/core/adapter';

/**
 * The response of an outcome: itself, or the one an error carries (axios, got, ky throw on
 * 4xx/5xx with the response attached). Not part of the public API.
 */
export function responseOf(outcome: Outcome): ResponseOutcome | undefined {
  return outcome.kind === 'response' ? outcome : responseFromError(outcome.error);
}
