import { CircuitBreaker, ManualClock, responseOutcome } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

describe('responseOutcome', () => {
  it('builds a response outcome from a status, any headers and a body', () => {
    const outcome = responseOutcome(200, { 'Content-Type': 'application/json' }, { ok: true });
    expect(outcome.kind).toBe('response');
    expect(outcome.status).toBe(200);
    expect(outcome.header('content-type')).toBe('application/json');
    expect(outcome.body).toEqual({ ok: true });
  });

  it('is classified by the breaker like any response: one 429 opens it for Retry-After', () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock(), openMs: 1_000 });
    const permit = breaker.acquire();
    const verdict = permit.settle(responseOutcome(429, [['Retry-After', '12']]));
    expect(verdict).toEqual({ verdict: 'failure', category: 'rate_limit', retryAfterMs: 12_000 });
    expect(breaker.state).toBe('open');
  });
});

describe('responseOutcome of a Fetch Response', () => {
  it('reads a Fetch Response without touching its body', async () => {
    const response = new Response('{"a":1}', {
      status: 503,
      headers: { 'retry-after': '3', 'content-type': 'application/json' },
    });
    const outcome = responseOutcome(response.status, response.headers);
    expect(outcome.status).toBe(503);
    expect(outcome.header('Retry-After')).toBe('3');
    expect(outcome.body).toBeUndefined();
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ a: 1 });
  });
});
