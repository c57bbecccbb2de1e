import { failure, type Outcome, onBody, onErrorCode, onHeader, onStatus } from '@breakwater/core';
import { createClassifier, defaultClassifier } from '@breakwater/core/adapter';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const verdicts = ['failure', 'success', 'ignore'];

const headers = fc.dictionary(
  fc.constantFrom('retry-after', 'x-maintenance', 'content-type', 'x-other'),
  fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  ),
);

const responses: fc.Arbitrary<Outcome> = fc
  .record({ status: fc.integer({ min: 100, max: 599 }), headers, body: fc.option(fc.anything()) })
  .map(({ status, headers: h, body }) => ({
    kind: 'response',
    status,
    header: (name: string) => h[name.toLowerCase()] ?? null,
    ...(body === null ? {} : { body }),
  }));

const errors: fc.Arbitrary<Outcome> = fc
  .oneof(
    fc.anything(),
    fc.record({
      name: fc.oneof(fc.string(), fc.constantFrom('TimeoutError', 'AbortError', 'TypeError')),
      code: fc.oneof(fc.string(), fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'ERR_CANCELED')),
      message: fc.string(),
      cause: fc.anything(),
      response: fc.anything(),
    }),
  )
  .map((error) => ({ kind: 'error', error }));

const outcomes = fc.oneof(responses, errors);
const contexts = fc.option(
  fc.record({ method: fc.string(), idempotent: fc.option(fc.boolean(), { nil: undefined }) }),
  { nil: undefined },
);

describe('classification properties', () => {
  it('never throws and always gives one of the three verdicts', () => {
    fc.assert(
      fc.property(outcomes, contexts, fc.integer(), (outcome, ctx, nowMs) => {
        const verdict = defaultClassifier(outcome, ctx, nowMs);
        expect(verdicts).toContain(verdict.verdict);
        expect(typeof verdict.category).toBe('string');
        if (verdict.retryAfterMs !== undefined)
          expect(verdict.retryAfterMs).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('never throws with rules either', () => {
    const classify = createClassifier(
      [
        onStatus({ min: 520, max: 599 }, failure('maintenance')),
        onHeader('x-maintenance', /true/i, failure('maintenance')),
        onErrorCode(['EPROTO', 42], failure('network')),
        onBody(
          (body) => typeof body === 'object' && body !== null && 'code' in body,
          failure('server'),
        ),
      ],
      { onRuleError: () => {} },
    );
    fc.assert(
      fc.property(outcomes, contexts, fc.integer(), (outcome, ctx, nowMs) => {
        expect(verdicts).toContain(classify(outcome, ctx, nowMs).verdict);
      }),
    );
  });

  it('classifies every 1xx–3xx response as a success and every 5xx as a failure', () => {
    fc.assert(
      fc.property(responses, (outcome) => {
        const { verdict } = defaultClassifier(outcome);
        const status = (outcome as { status: number }).status;
        if (status < 400) expect(verdict).toBe('success');
        if (status >= 500) expect(verdict).toBe('failure');
      }),
    );
  });
});
