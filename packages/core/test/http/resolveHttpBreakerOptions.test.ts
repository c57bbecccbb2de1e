import { BreakerRegistry, failure, type HttpBreakerOptions, onStatus } from '@breakwater/core';
import { resolveHttpBreakerOptions } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

function messageOf(options: unknown): string {
  try {
    resolveHttpBreakerOptions(options as HttpBreakerOptions);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the options to be rejected');
}

describe('resolveHttpBreakerOptions', () => {
  it('resolves the defaults: no rules, no retry, no deadline', () => {
    const resolved = resolveHttpBreakerOptions();
    expect(resolved).toEqual({
      registry: undefined,
      breaker: undefined,
      key: undefined,
      bodyRules: [],
      onResponse: undefined,
      retry: undefined,
      timeoutMs: undefined,
      idempotent: undefined,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('keeps classify rules for the guard, and the breaker options in one frozen object', () => {
    const mine = onStatus(520, failure('server'));
    const strategy = { type: 'consecutive' as const, failureCount: 2 };
    const resolved = resolveHttpBreakerOptions({
      classify: mine,
      openMs: 5_000,
      strategy,
      timeoutMs: 1_000,
    });
    expect(resolved.breaker).toEqual({ openMs: 5_000, strategy });
    expect(Object.isFrozen(resolved.breaker)).toBe(true);
    // A copy, so that changing the object passed in changes no breaker created later.
    expect(resolved.breaker?.strategy).not.toBe(strategy);
    expect(Object.isFrozen(resolved.breaker?.strategy)).toBe(true);
    expect(resolveHttpBreakerOptions({ timeoutMs: 1_000 }).breaker).toBeUndefined();
    // Options set to undefined are not given: the registry's defaults hold for them.
    const sparse = resolveHttpBreakerOptions({
      openMs: 5_000,
      strategy: undefined,
      name: undefined,
    } as HttpBreakerOptions);
    expect(Object.keys(sparse.breaker ?? {})).toEqual(['openMs']);
    expect(resolveHttpBreakerOptions({ halfOpen: undefined }).breaker).toBeUndefined();
    const outcome = { kind: 'response' as const, status: 520, header: () => null };
    expect(resolved.rules?.(outcome, undefined, 0)).toEqual({
      verdict: 'failure',
      category: 'server',
    });
    expect(resolved.rules?.({ ...outcome, status: 200 }, undefined, 0)).toBeUndefined();
  });

  it('defaults a body rule to 64 KiB', () => {
    const registry = new BreakerRegistry();
    const resolved = resolveHttpBreakerOptions({ registry, bodyRules: {} });
    expect(resolved.bodyRules).toEqual([{ match: undefined, maxBytes: 65_536 }]);
    expect(resolved.registry).toBe(registry);
  });

  it('names the invalid option, what it accepts and what it got', () => {
    expect(messageOf({ timeoutMs: 0 })).toBe(
      'Invalid option `timeoutMs`: expected a finite number from 1 to 2147483647, received 0.',
    );
    expect(messageOf({ bodyRules: [{}, { maxBytes: 0 }] })).toBe(
      'Invalid option `bodyRules[1].maxBytes`: expected an integer >= 1, received 0.',
    );
    expect(messageOf({ bodyRules: { limit: 1 } })).toMatch(/^Unknown option `bodyRules.limit`/);
    expect(messageOf({ retry: { maxAttempts: 0 } })).toBe(
      'Invalid option `retry.maxAttempts`: expected an integer from 1 to Infinity, received 0.',
    );
    expect(messageOf({ halfOpen: { maxProbes: 0 } })).toBe(
      'Invalid option `halfOpen.maxProbes`: expected an integer from 1 to 10000, received 0.',
    );
    expect(messageOf({ openMS: 1_000 })).toMatch(
      /^Unknown option `openMS` \(did you mean `openMs`\?\)/,
    );
    expect(messageOf({ name: 'x' })).toMatch(
      /^Invalid option `name`: expected no name: each breaker is named after its key/,
    );
    expect(messageOf({ initialState: {} })).toMatch(/^Invalid option `initialState`: expected no/);
    expect(messageOf({ breaker: { openMs: 1_000 } })).toMatch(
      /^Invalid option `breaker`: expected the breaker options at the top level/,
    );
    expect(messageOf({ registry: {} })).toMatch(
      /^Invalid option `registry`: expected a BreakerRegistry/,
    );
    expect(messageOf({ key: 'origin' })).toMatch(/^Invalid option `key`: expected a function/);
    expect(messageOf({ idempotent: 'yes' })).toMatch(/^Invalid option `idempotent`/);
    expect(messageOf({ classify: [42] })).toMatch(/^Invalid option `classify\[0\]`/);
    expect(messageOf({ onRespnse: () => {} })).toMatch(
      /^Unknown option `onRespnse` \(did you mean `onResponse`\?\): expected one of/,
    );
  });
});
