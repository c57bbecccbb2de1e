import {
  BreakerRegistry,
  defaultRegistry,
  isBreakerOpenError,
  responseOutcome,
  setDefaultRegistry,
} from '@breakwater/core';
import { HttpGuard } from '@breakwater/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const key = Symbol.for('breakwater.registry');
const holder = globalThis as { [key]?: unknown };

let saved: BreakerRegistry | undefined;

beforeEach(() => {
  saved = setDefaultRegistry(undefined);
});

afterEach(() => {
  setDefaultRegistry(undefined)?.dispose();
  setDefaultRegistry(saved);
});

describe('defaultRegistry', () => {
  it('creates one registry on first use and returns it afterwards', () => {
    expect(holder[key]).toBeUndefined();
    const registry = defaultRegistry();
    expect(registry).toBeInstanceOf(BreakerRegistry);
    expect(defaultRegistry()).toBe(registry);
    expect(defaultRegistry().get('api')).toBe(registry.get('api'));
  });

  it('lives under Symbol.for("breakwater.registry"), shared with other copies of the core', () => {
    const registry = defaultRegistry();
    expect(holder[key]).toBe(registry);
    // Another copy of the core creates its registry under the same global symbol: this copy
    // then returns that one instead of creating its own.
    const fromOtherCopy = new BreakerRegistry();
    holder[key] = fromOtherCopy;
    expect(defaultRegistry()).toBe(fromOtherCopy);
  });

  it('is replaced by setDefaultRegistry, which returns the previous one undisposed', () => {
    const first = defaultRegistry();
    const api = first.get('api');
    const second = new BreakerRegistry();
    expect(setDefaultRegistry(second)).toBe(first);
    expect(defaultRegistry()).toBe(second);
    expect(first.peek('api')).toBe(api);
    expect(setDefaultRegistry(undefined)).toBe(second);
    expect(holder[key]).toBeUndefined();
    const third = defaultRegistry();
    expect(third).not.toBe(first);
    expect(third).not.toBe(second);
  });

  it('is bounded at 10 000 breakers, so adapters keyed by path cannot grow it without end', () => {
    const registry = defaultRegistry();
    expect(registry.options.maxSize).toBe(10_000);
    const guard = new HttpGuard({ key: (request) => request.url.href });
    for (let i = 0; i < 10_050; i++) {
      const call = guard.acquire({
        url: new URL(`https://api.example.com/items/${i}`),
        method: 'GET',
      });
      if (isBreakerOpenError(call)) throw call;
      guard.settle(call, responseOutcome(200, new Headers()));
    }
    expect(registry.size).toBe(10_000);
    expect(registry.has('https://api.example.com/items/49')).toBe(false);
    expect(registry.has('https://api.example.com/items/50')).toBe(true);
  });
});
