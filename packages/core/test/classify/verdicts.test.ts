import {
  BreakwaterConfigError,
  type Category,
  failureVerdict,
  ignoreVerdict,
  successVerdict,
  withUncertainEffect,
} from '@breakwater/core';
import { describe, expect, it } from 'vitest';

describe('verdict constants', () => {
  it('shares one frozen success verdict', () => {
    expect(successVerdict).toEqual({ verdict: 'success', category: 'none' });
    expect(Object.isFrozen(successVerdict)).toBe(true);
  });

  it('returns the same frozen failure for a category without extras', () => {
    const verdict = failureVerdict('server');
    expect(verdict).toEqual({ verdict: 'failure', category: 'server' });
    expect(failureVerdict('server', {})).toBe(verdict);
    expect(Object.isFrozen(verdict)).toBe(true);
  });

  it('returns the same frozen ignore for a category', () => {
    expect(ignoreVerdict('client')).toBe(ignoreVerdict('client'));
    expect(ignoreVerdict('client')).toEqual({ verdict: 'ignore', category: 'client' });
  });

  it('builds a new frozen failure carrying retryAfterMs', () => {
    const verdict = failureVerdict('rate_limit', { retryAfterMs: 1_000 });
    expect(verdict).toEqual({ verdict: 'failure', category: 'rate_limit', retryAfterMs: 1_000 });
    expect(Object.isFrozen(verdict)).toBe(true);
  });

  it('keeps an explicit uncertainEffect: false', () => {
    expect(failureVerdict('server', { uncertainEffect: false })).toEqual({
      verdict: 'failure',
      category: 'server',
      uncertainEffect: false,
    });
  });

  it('marks uncertain effects without allocating when there is no retryAfterMs', () => {
    const marked = withUncertainEffect(failureVerdict('timeout'));
    expect(marked).toEqual({ verdict: 'failure', category: 'timeout', uncertainEffect: true });
    expect(withUncertainEffect(failureVerdict('timeout'))).toBe(marked);
    expect(withUncertainEffect(marked)).toBe(marked);
    expect(failureVerdict('timeout', { uncertainEffect: true })).toBe(marked);
    const withDelay = withUncertainEffect(failureVerdict('server', { retryAfterMs: 5 }));
    expect(withDelay).toEqual({
      verdict: 'failure',
      category: 'server',
      retryAfterMs: 5,
      uncertainEffect: true,
    });
  });

  it.each<[string, () => unknown]>([
    ['an unknown category', () => failureVerdict('nope' as Category)],
    ['a failure of category none', () => failureVerdict('none')],
    ['an ignore of an unknown category', () => ignoreVerdict('toString' as Category)],
    ['a negative retryAfterMs', () => failureVerdict('rate_limit', { retryAfterMs: -1 })],
    ['a NaN retryAfterMs', () => failureVerdict('rate_limit', { retryAfterMs: Number.NaN })],
  ])('rejects %s with a config error', (_, build) => {
    expect(build).toThrow(BreakwaterConfigError);
  });

  it('names the category and what is allowed', () => {
    expect(() => failureVerdict('nope' as Category)).toThrow(
      /Invalid option `category`: expected one of 'network', .*received "nope"/,
    );
  });
});
