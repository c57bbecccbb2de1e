import {
  BreakwaterConfigError,
  type DurableState,
  ManualClock,
  MemoryStore,
} from '@breakwater/core';
import { describe, expect, it } from 'vitest';

function state(version: number, overrides: Partial<DurableState> = {}): DurableState {
  return {
    state: 'open',
    version,
    openedAt: 1_000,
    openUntil: 2_000,
    recoveryAttempt: 0,
    ...overrides,
  };
}

async function microtasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('MemoryStore', () => {
  it('loads nothing for a breaker it has never seen', () => {
    expect(new MemoryStore().load('api')).toBeUndefined();
  });

  it('loads a frozen copy of the last saved state', () => {
    const store = new MemoryStore();
    const saved = { ...state(1), extra: true };
    store.save('api', saved);
    store.save('api', state(2));
    const loaded = store.load('api');
    expect(loaded).toEqual(state(2));
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(store.load('other')).toBeUndefined();
  });

  it('delivers saves to every subscriber of the name in a microtask, the saver included', async () => {
    const store = new MemoryStore();
    const a: number[] = [];
    const b: number[] = [];
    const other: number[] = [];
    store.subscribe('api', (s) => a.push(s.version));
    store.subscribe('api', (s) => b.push(s.version));
    store.subscribe('other', (s) => other.push(s.version));
    store.save('api', state(1));
    store.save('api', state(2));
    expect(a).toEqual([]);
    await microtasks();
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    expect(other).toEqual([]);
  });

  it('stops delivering after unsubscribe, even a save already made', async () => {
    const store = new MemoryStore();
    const received: number[] = [];
    const unsubscribe = store.subscribe('api', (s) => received.push(s.version));
    store.save('api', state(1));
    unsubscribe();
    unsubscribe();
    store.save('api', state(2));
    await microtasks();
    expect(received).toEqual([]);
  });

  it('treats the same function subscribed twice as two subscriptions', async () => {
    const store = new MemoryStore();
    const received: number[] = [];
    const listener = (s: DurableState) => received.push(s.version);
    const first = store.subscribe('api', listener);
    store.subscribe('api', listener);
    first();
    store.save('api', state(1));
    await microtasks();
    expect(received).toEqual([1]);
  });

  it('grants one probe claim at a time until it expires', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    expect(store.claimProbe('api', 1_000)).toBe(true);
    expect(store.claimProbe('api', 1_000)).toBe(false);
    expect(store.claimProbe('other', 1_000)).toBe(true);
    await clock.advance(999);
    expect(store.claimProbe('api', 1_000)).toBe(false);
    await clock.advance(1);
    expect(store.claimProbe('api', 1_000)).toBe(true);
  });

  it('ends a claim when a state other than half_open is saved', () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    expect(store.claimProbe('api', 10_000)).toBe(true);
    store.save('api', state(4, { state: 'half_open' }));
    expect(store.claimProbe('api', 10_000)).toBe(false);
    store.save('api', state(5, { state: 'open' }));
    expect(store.claimProbe('api', 10_000)).toBe(true);
  });

  it('forgets subscribers and claims on dispose but keeps states', async () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    const received: number[] = [];
    store.subscribe('api', (s) => received.push(s.version));
    store.claimProbe('api', 10_000);
    store.save('api', state(1, { state: 'half_open' }));
    store.dispose();
    await microtasks();
    expect(received).toEqual([]);
    expect(store.claimProbe('api', 10_000)).toBe(true);
    expect(store.load('api')?.version).toBe(1);
  });

  it('rejects unknown options and a clock that is not a Clock', () => {
    expect(() => new MemoryStore({ clok: null } as never)).toThrow(BreakwaterConfigError);
    expect(() => new MemoryStore({ clock: {} as never })).toThrow('`clock`: expected a Clock');
    expect(() => new MemoryStore({ clock: 5 as never })).toThrow('`clock`');
  });
});
