import { BreakwaterConfigError, type Category, failure, ignore, success } from '@breakwater/core';
import { withUncertainEffect } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

describe('verdict constants', () => {
  it('shares one frozen success verdict', () => {
    expect(success()).toEqual({ verdict: 'success', category: 'none' });
    expect(Object.isFrozen(success())).toBe(true);
  });

  it('returns the same frozen failure for a category without extras', () => {
    const verdict = failure('server');
    expect(verdict).toEqual({ verdict: 'failure', category: 'server' });
    expect(failure('server', {})).toBe(verdict);
    expect(Object.isFrozen(verdict)).toBe(true);
  });

  it('returns the same frozen ignore for a category', () => {
    expect(ignore('client')).toBe(ignore('client'));
    expect(ignore('client')).toEqual({ verdict: 'ignore', category: 'client' });
  });

  it('builds a new frozen failure carrying retryAfterMs', () => {
    const verdict = failure('rate_limit', { retryAfterMs: 1_000 });
    expect(verdict).toEqual({ verdict: 'failure', category: 'rate_limit', retryAfterMs: 1_000 });
    expect(Object.isFrozen(verdict)).toBe(true);
  });

  it('keeps an explicit uncertainEffect: false', () => {
    expect(failure('server', { uncertainEffect: false })).toEqual({
      verdict: 'failure',
      category: 'server',
      uncertainEffect: false,
    });
  });

  it('marks uncertain effects without allocating when there is no retryAfterMs', () => {
    const marked = withUncertainEffect(failure('timeout'));
    expect(marked).toEqual({ verdict: 'failure', category: 'timeout', uncertainEffect: true });
    expect(withUncertainEffect(failure('timeout'))).toBe(marked);
    expect(withUncertainEffect(marked)).toBe(marked);
    expect(failure('timeout', { uncertainEffect: true })).toBe(marked);
    const withDelay = withUncertainEffect(failure('server', { retryAfterMs: 5 }));
    expect(withDelay).toEqual({
      verdict: 'failure',
      category: 'server',
      retryAfterMs: 5,
      uncertainEffect: true,
    });
  });

  it.each<[string, () => unknown]>([
    ['an unknown category', () => failure('nope' as Category)],
    ['a failure of category none', () => failure('none')],
    ['an ignore of an unknown category', () => ignore('toString' as Category)],
    ['a negative retryAfterMs', () => failure('rate_limit', { retryAfterMs: -1 })],
    ['a NaN retryAfterMs', () => failure('rate_limit', { retryAfterMs: Number.NaN })],
  ])('rejects %s with a config error', (_, build) => {
    expect(build).toThrow(BreakwaterConfigError);
  });

  it('names the category and what is allowed', () => {
    expect(() => failure('nope' as Category)).toThrow(
      /Invalid option `category`: expected one of 'network', .*received "nope"/,
    );
  });
});
