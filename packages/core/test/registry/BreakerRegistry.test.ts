import {
  BreakerRegistry,
  type BreakerRegistryOptions,
  type BreakerStore,
  BreakwaterConfigError,
  type CircuitBreaker,
  type DurableState,
  failure,
  ManualClock,
  MemoryStore,
  onStatus,
  type RegistryBreakerOptions,
  success,
} from '@breakwater/core';
import type {
  BreakerAddedEvent,
  BreakerConflictEvent,
  BreakerOverflowEvent,
  BreakerRemovedEvent,
  StateChangeEvent,
} from '@breakwater/core/adapter';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

function setup(options: BreakerRegistryOptions = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    clock,
    defaults: { strategy: { type: 'consecutive', failureCount: 1 }, openMs: 1_000 },
    ...options,
  });
  return { clock, registry };
}

/** One failure: opens a breaker whose strategy trips after one. */
function trip(breaker: CircuitBreaker): void {
  breaker.acquire().settle({ kind: 'error', error: new Error('boom') });
}

/** Trips, waits out the recovery and takes the probe, leaving it in flight. */
function halfOpen(breaker: CircuitBreaker, clock: ManualClock): void {
  trip(breaker);
  clock.tick(1_000);
  breaker.acquire();
}

function recorder(registry: BreakerRegistry) {
  const events: string[] = [];
  const off = [
    registry.on('added', ({ name }: BreakerAddedEvent) => events.push(`added ${name}`)),
    registry.on('removed', ({ name, reason }: BreakerRemovedEvent) =>
      events.push(`removed ${name} ${reason}`),
    ),
    registry.on('stateChange', ({ breaker, from, to }: StateChangeEvent) =>
      events.push(`${breaker} ${from}->${to}`),
    ),
  ];
  return {
    events,
    off: () => {
      for (const unsubscribe of off) unsubscribe();
    },
  };
}

describe('BreakerRegistry: get-or-create', () => {
  it('returns the same breaker for a name and creates one per name', () => {
    const { registry } = setup();
    const a = registry.get('https://a.example');
    expect(registry.get('https://a.example')).toBe(a);
    const b = registry.get('https://b.example');
    expect(b).not.toBe(a);
    expect(a.name).toBe('https://a.example');
    expect(registry.size).toBe(2);
    expect([...registry.breakers()]).toEqual([a, b]);
  });

  it('answers has() and peek() without creating a breaker', () => {
    const { registry } = setup();
    expect(registry.has('api')).toBe(false);
    expect(registry.peek('api')).toBeUndefined();
    expect(registry.size).toBe(0);
    const api = registry.get('api');
    expect(registry.has('api')).toBe(true);
    expect(registry.peek('api')).toBe(api);
  });

  it('rejects a name that is not a non-empty string', () => {
    const { registry } = setup();
    expect(() => registry.get('')).toThrow(BreakwaterConfigError);
    expect(() => registry.get(42 as unknown as string)).toThrow(
      'Invalid option `name`: expected a non-empty string, received 42.',
    );
    expect(registry.size).toBe(0);
  });

  it('uses Map semantics for names, so prototype keys are ordinary names', () => {
    const { registry } = setup({ overrides: { api: { maxRecoveryAttempts: 5 } } });
    expect(registry.get('constructor').options.maxRecoveryAttempts).toBe(Infinity);
    expect(registry.get('__proto__').name).toBe('__proto__');
    expect(registry.size).toBe(2);
  });
});

describe('BreakerRegistry: options', () => {
  it('gives breakers created from the defaults exactly the defaults, a store among them', () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const { registry } = setup({ defaults: { store, clock, openMs: 5_000 } });
    const breaker = registry.get('api');
    expect(breaker.options.store).toBe(store);
    expect(breaker.options.clock).toBe(clock);
    // Created alike, they share one resolved options object.
    expect(registry.get('other').options).toBe(breaker.options);
  });

  it('merges defaults, then overrides, then the first get() options, and names the breaker', () => {
    const { registry } = setup({
      defaults: { openMs: 1_000, maxRecoveryAttempts: 100, maxRetryAfterMs: 10 },
      overrides: { api: { maxRecoveryAttempts: 200, maxRetryAfterMs: 20 } },
    });
    const api = registry.get('api', { maxRetryAfterMs: 30 });
    expect(api.options).toMatchObject({ maxRecoveryAttempts: 200, maxRetryAfterMs: 30 });
    expect(api.name).toBe('api');
    expect(api.options.openMs.delayMs(0, 0, () => 0)).toBe(1_000);
    const other = registry.get('other');
    expect(other.options).toMatchObject({ maxRecoveryAttempts: 100, maxRetryAfterMs: 10 });
  });

  it('accepts overrides as a function of the name', () => {
    const seen: string[] = [];
    const { registry } = setup({
      defaults: { maxRecoveryAttempts: 100 },
      overrides: (name) => {
        seen.push(name);
        return name.startsWith('https://slow.') ? { maxRecoveryAttempts: 5_000 } : undefined;
      },
    });
    expect(registry.get('https://slow.example').options.maxRecoveryAttempts).toBe(5_000);
    expect(registry.get('https://fast.example').options.maxRecoveryAttempts).toBe(100);
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      // A conflict: reported (see below), and the existing breaker keeps its options.
      expect(
        registry.get('https://fast.example', { maxRecoveryAttempts: 1 }).options
          .maxRecoveryAttempts,
      ).toBe(100);
    } finally {
      warning.mockRestore();
    }
    expect(seen).toEqual(['https://slow.example', 'https://fast.example']);
  });

  it('gives breakers the registry clock, listener error handler and store by default', () => {
    const store = new MemoryStore();
    const errors: unknown[] = [];
    const { clock, registry } = setup({ store, onListenerError: (error) => errors.push(error) });
    const api = registry.get('api');
    expect(api.options.clock).toBe(clock);
    expect(api.options.store).toBe(store);
    api.on('stateChange', () => {
      throw new Error('listener');
    });
    trip(api);
    expect(errors).toHaveLength(1);
    expect(store.load('api')?.state).toBe('open');
    const own = new MemoryStore();
    expect(registry.get('own', { store: own }).options.store).toBe(own);
  });

  it('takes its clock from defaults.clock when it has none of its own', () => {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ defaults: { clock } });
    expect(registry.options.clock).toBe(clock);
    expect(registry.get('api').options.clock).toBe(clock);
  });

  it('validates defaults and an overrides object once, at construction', () => {
    expect(() => new BreakerRegistry({ defaults: { maxRecoveryAttempts: -1 } })).toThrow(
      'Invalid option `maxRecoveryAttempts`',
    );
    expect(
      () => new BreakerRegistry({ overrides: { api: { halfOpen: { maxProbes: 0 } } } }),
    ).toThrow('Invalid option `halfOpen.maxProbes`');
    expect(
      () => new BreakerRegistry({ defaults: { name: 'x' } as BreakerRegistryOptions['defaults'] }),
    ).toThrow('Invalid option `defaults.name`');
    expect(() => new BreakerRegistry({ maxsize: 3 } as BreakerRegistryOptions)).toThrow(
      'Unknown option `maxsize` (did you mean `maxSize`?)',
    );
    expect(() => new BreakerRegistry({ maxSize: 0 })).toThrow('Invalid option `maxSize`');
    expect(() => new BreakerRegistry({ enabled: 'no' as unknown as boolean })).toThrow(
      'Invalid option `enabled`',
    );
    expect(() => new BreakerRegistry({ store: {} as BreakerStore })).toThrow(
      'Invalid option `store`',
    );
  });

  it('adds nothing when the merged options of a new breaker are invalid', () => {
    const { registry } = setup({
      overrides: (name) => (name === 'bad' ? { maxRecoveryAttempts: 0 } : undefined),
    });
    const { events } = recorder(registry);
    expect(() => registry.get('bad')).toThrow('Invalid option `maxRecoveryAttempts`');
    expect(() => registry.get('api', { halfOpen: { maxProbes: -1 } })).toThrow(
      BreakwaterConfigError,
    );
    expect(registry.size).toBe(0);
    expect(events).toEqual([]);
  });
});

describe('BreakerRegistry: option conflicts', () => {
  function conflicts(registry: BreakerRegistry) {
    const seen: BreakerConflictEvent[] = [];
    registry.on('conflict', (event) => seen.push(event));
    return seen;
  }

  let warnings: { message: string; code: string | undefined }[];
  let restoreWarnings: () => void;
  beforeEach(() => {
    const captured: typeof warnings = [];
    warnings = captured;
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((
      warning: string | Error,
      options?: { code?: string },
    ) => {
      captured.push({ message: String(warning), code: options?.code });
    }) as typeof process.emitWarning);
    restoreWarnings = () => spy.mockRestore();
  });
  afterEach(() => restoreWarnings());

  it('keeps the existing breaker and its options, and reports the conflict', () => {
    {
      const { registry } = setup();
      const seen = conflicts(registry);
      const production = {
        maxRecoveryAttempts: 50,
        strategy: { type: 'consecutive', failureCount: 5 },
      };
      const sandbox = {
        maxRecoveryAttempts: 50,
        strategy: { type: 'consecutive', failureCount: 1 },
      };
      const api = registry.get('kraken:private', production as RegistryBreakerOptions);
      expect(registry.get('kraken:private', sandbox as RegistryBreakerOptions)).toBe(api);
      expect(api.options.maxRecoveryAttempts).toBe(50);
      expect(seen).toEqual([
        {
          name: 'kraken:private',
          breaker: api,
          path: 'strategy.failureCount',
          existing: production,
          requested: sandbox,
        },
      ]);
      expect(warnings).toEqual([
        {
          code: 'BREAKWATER_REGISTRY_CONFLICT',
          message: expect.stringMatching(
            /"kraken:private".*`strategy\.failureCount`.*5.*1.*the existing breaker keeps its options/s,
          ),
        },
      ]);
    }
  });

  it('warns once per registry, and emits an event for every new conflicting options object', () => {
    {
      const { registry } = setup();
      const seen = conflicts(registry);
      registry.get('a', { maxRecoveryAttempts: 10 });
      registry.get('b');
      const other = { maxRecoveryAttempts: 20 };
      registry.get('a', other);
      registry.get('a', other);
      registry.get('a', { maxRecoveryAttempts: 30 });
      registry.get('b', { maxRecoveryAttempts: 10 });
      expect(seen.map(({ name, path }) => `${name} ${path}`)).toEqual([
        'a maxRecoveryAttempts',
        'a maxRecoveryAttempts',
        'b maxRecoveryAttempts',
      ]);
      expect(warnings).toHaveLength(1);
      const another = setup().registry;
      another.get('a', { maxRecoveryAttempts: 1 });
      another.get('a', { maxRecoveryAttempts: 2 });
      expect(warnings).toHaveLength(2);
    }
  });

  it("compares each caller's options object once, however the callers alternate", () => {
    const { registry } = setup();
    const seen = conflicts(registry);
    const [a, b, c, equal] = [
      { maxRecoveryAttempts: 1 },
      { maxRecoveryAttempts: 2 },
      { maxRecoveryAttempts: 3 },
      { maxRecoveryAttempts: 1 },
    ];
    registry.get('api', a);
    for (let i = 0; i < 100; i++)
      for (const options of [a, b, c, equal]) registry.get('api', options);
    expect(seen.map(({ requested }) => requested)).toEqual([b, c]);
    expect(warnings).toHaveLength(1);
  });

  it('sees no conflict in the same object, an equal one, or a get() without options', () => {
    const { registry } = setup();
    const seen = conflicts(registry);
    const store = new MemoryStore();
    const onListenerError = () => {};
    const options: RegistryBreakerOptions = {
      maxRecoveryAttempts: 50,
      store,
      onListenerError,
      halfOpen: { maxProbes: 2 },
      strategy: { type: 'count', callCount: 10, failureRate: 0.5 },
    };
    registry.get('api', options);
    registry.get('api', options);
    registry.get('api');
    registry.get('api', {
      strategy: { failureRate: 0.5, callCount: 10, type: 'count' },
      halfOpen: { maxProbes: 2 },
      onListenerError,
      store,
      maxRecoveryAttempts: 50,
      trackLatency: undefined,
    });
    registry.get('bare');
    registry.get('bare', {});
    expect(seen).toEqual([]);
  });

  it('compares functions and class instances by identity, plain objects and arrays by value', () => {
    const { registry } = setup();
    const seen = conflicts(registry);
    registry.get('fn', { onListenerError: () => {} });
    registry.get('fn', { onListenerError: () => {} });
    registry.get('store', { store: new MemoryStore() });
    registry.get('store', { store: new MemoryStore() });
    registry.get('rules', { classify: [onStatus([418], failure('server'))] });
    registry.get('rules', { classify: [onStatus([418], failure('server'))] });
    registry.get('extra', { maxRecoveryAttempts: 5 });
    registry.get('extra', {});
    expect(seen.map(({ name, path }) => `${name} ${path}`)).toEqual([
      'fn onListenerError',
      'store store',
      'rules classify[0]',
      'extra maxRecoveryAttempts',
    ]);
  });

  it('reports a breaker created without options that a later get() configures', () => {
    const { registry } = setup();
    const seen = conflicts(registry);
    registry.forceOpen('api');
    registry.get('api', { maxRecoveryAttempts: 100 });
    expect(seen).toMatchObject([{ name: 'api', path: 'maxRecoveryAttempts', existing: undefined }]);
  });

  it('compares against the options of the get() that created it, not a reconfiguration', () => {
    const { registry } = setup();
    const seen = conflicts(registry);
    const options = { maxRecoveryAttempts: 100 };
    registry.get('api', options);
    registry.reconfigure('api', { maxRecoveryAttempts: 500 });
    registry.get('api', { maxRecoveryAttempts: 100 });
    expect(seen).toEqual([]);
  });

  it('reads nothing of an options object it saw last time', () => {
    const { registry } = setup();
    let reads = 0;
    const options = new Proxy<RegistryBreakerOptions>(
      { maxRecoveryAttempts: 100 },
      {
        get(target, key, receiver) {
          reads++;
          return Reflect.get(target, key, receiver);
        },
        ownKeys(target) {
          reads++;
          return Reflect.ownKeys(target);
        },
      },
    );
    const equal = { maxRecoveryAttempts: 100 };
    registry.get('api', equal);
    registry.get('api', options);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) registry.get('api', options);
    expect(reads).toBe(afterFirst);
  });

  it('survives options with cycles, and rejects options that are not an object', () => {
    const { registry } = setup();
    const seen = conflicts(registry);
    const a: Record<string, unknown> = { maxRecoveryAttempts: 5 };
    a.self = a;
    const b: Record<string, unknown> = { maxRecoveryAttempts: 5 };
    b.self = b;
    registry.get('cyclic', { maxRecoveryAttempts: 5 });
    registry.get('cyclic', a as RegistryBreakerOptions);
    registry.get('cyclic', b as RegistryBreakerOptions);
    expect(seen.map(({ path }) => path)).toEqual(['self', 'self']);
    expect(() => registry.get('cyclic', 42 as unknown as RegistryBreakerOptions)).toThrow(
      'Invalid option `options`',
    );
    expect(() => registry.get('new', 'x' as unknown as RegistryBreakerOptions)).toThrow(
      'Invalid option `options`',
    );
    expect(() =>
      registry.get('new', { name: 'other' } as unknown as RegistryBreakerOptions),
    ).toThrow('Invalid option `options.name`');
    expect(registry.has('new')).toBe(false);
  });

  it('sends a throwing conflict listener to onListenerError', () => {
    const errors: unknown[] = [];
    const { registry } = setup({ onListenerError: (error) => errors.push(error) });
    registry.on('conflict', () => {
      throw new Error('listener');
    });
    const api = registry.get('api', { maxRecoveryAttempts: 1 });
    expect(registry.get('api', { maxRecoveryAttempts: 2 })).toBe(api);
    expect(errors).toEqual([new Error('listener')]);
    expect(warnings).toHaveLength(1);
  });

  it('warns through console.warn where there is no process (browsers)', () => {
    const shown: unknown[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((message) => shown.push(message));
    vi.stubGlobal('process', undefined);
    try {
      const { registry } = setup();
      registry.get('api', { maxRecoveryAttempts: 1 });
      registry.get('api', { maxRecoveryAttempts: 2 });
    } finally {
      vi.unstubAllGlobals();
      warn.mockRestore();
    }
    expect(shown).toHaveLength(1);
    expect(String(shown[0])).toMatch(
      /^BreakwaterWarning \[BREAKWATER_REGISTRY_CONFLICT\]: Breaker "api" .*`maxRecoveryAttempts`: 1 when it was created, 2 now/,
    );
  });
});

describe('BreakerRegistry: list and health', () => {
  it('lists a snapshot of every breaker, sorted by name', () => {
    const { registry } = setup();
    expect(registry.list()).toEqual([]);
    registry.get('b');
    trip(registry.get('a'));
    const list = registry.list();
    expect(list.map(({ name, state }) => [name, state])).toEqual([
      ['a', 'open'],
      ['b', 'closed'],
    ]);
    expect(list[0]!.counters.failures).toBe(1);
  });

  it('is healthy when empty', () => {
    const { registry } = setup();
    expect(registry.health()).toEqual({
      status: 'healthy',
      total: 0,
      byState: { closed: 0, open: 0, half_open: 0, forced_open: 0, disabled: 0 },
      unhealthy: [],
    });
  });

  it('is healthy when every breaker is closed or disabled', () => {
    const { registry } = setup();
    registry.get('a');
    registry.get('b').disable();
    expect(registry.health()).toMatchObject({
      status: 'healthy',
      total: 2,
      byState: { closed: 1, disabled: 1 },
      unhealthy: [],
    });
  });

  it('is degraded when some breakers are open, half-open or forced open', () => {
    const { clock, registry } = setup();
    registry.get('ok');
    trip(registry.get('open'));
    halfOpen(registry.get('probing'), clock);
    registry.forceOpen('isolated');
    expect(registry.health()).toEqual({
      status: 'degraded',
      total: 4,
      byState: { closed: 1, open: 1, half_open: 1, forced_open: 1, disabled: 0 },
      unhealthy: ['isolated', 'open', 'probing'],
    });
  });

  it('is degraded when every breaker is half-open: probes still go out', () => {
    const { clock, registry } = setup();
    halfOpen(registry.get('a'), clock);
    expect(registry.health()).toMatchObject({ status: 'degraded', unhealthy: ['a'] });
  });

  it('is unhealthy when every breaker is open or forced open', () => {
    const { registry } = setup();
    trip(registry.get('b'));
    registry.forceOpen('a');
    expect(registry.health()).toMatchObject({
      status: 'unhealthy',
      total: 2,
      byState: { open: 1, forced_open: 1, closed: 0 },
      unhealthy: ['a', 'b'],
    });
    registry.reset('b');
    expect(registry.health().status).toBe('degraded');
    registry.reset('a');
    expect(registry.health().status).toBe('healthy');
  });
});

describe('BreakerRegistry: operations', () => {
  it('resets every breaker with resetAll()', () => {
    const { clock, registry } = setup();
    trip(registry.get('a'));
    registry.forceOpen('b');
    halfOpen(registry.get('c'), clock);
    registry.resetAll();
    expect([...registry.breakers()].map((b) => b.state)).toEqual(['closed', 'closed', 'closed']);
    expect(registry.get('a').snapshot().recoveryAttempt).toBe(0);
  });

  it('resets one breaker by name and creates none for an unknown name', () => {
    const { registry } = setup();
    trip(registry.get('a'));
    expect(registry.reset('a')).toBe(true);
    expect(registry.get('a').state).toBe('closed');
    expect(registry.reset('missing')).toBe(false);
    expect(registry.has('missing')).toBe(false);
  });

  it('forces a breaker open by name, creating it so it is isolated before its first call', () => {
    const { registry } = setup();
    const api = registry.forceOpen('api');
    expect(api).toBe(registry.peek('api'));
    expect(api.state).toBe('forced_open');
    expect(() => api.acquire()).toThrow(/forced|open/i);
  });

  it('reconfigures a breaker by name and creates none for an unknown name', () => {
    const { registry } = setup();
    const api = registry.get('api');
    expect(registry.reconfigure('api', { maxRecoveryAttempts: 250 })).toBe(true);
    expect(api.options.maxRecoveryAttempts).toBe(250);
    expect(() => registry.reconfigure('api', { maxRecoveryAttempts: -5 })).toThrow(
      BreakwaterConfigError,
    );
    expect(api.options.maxRecoveryAttempts).toBe(250);
    expect(registry.reconfigure('missing', { maxRecoveryAttempts: 250 })).toBe(false);
    expect(registry.has('missing')).toBe(false);
  });

  it('deletes a breaker: disposes it and a later get() creates a fresh one', () => {
    const { registry } = setup();
    const api = registry.get('api');
    trip(api);
    expect(registry.delete('api')).toBe(true);
    expect(registry.delete('api')).toBe(false);
    expect(registry.has('api')).toBe(false);
    const fresh = registry.get('api');
    expect(fresh).not.toBe(api);
    expect(fresh.state).toBe('closed');
  });
});

describe('BreakerRegistry: events', () => {
  it('emits added, stateChange of any breaker, and removed with the reason', () => {
    const { registry } = setup();
    const { events } = recorder(registry);
    const added: BreakerAddedEvent[] = [];
    registry.on('added', (event) => added.push(event));
    const api = registry.get('api');
    registry.get('api');
    trip(api);
    api.reset();
    registry.delete('api');
    expect(events).toEqual([
      'added api',
      'api closed->open',
      'api open->closed',
      'removed api deleted',
    ]);
    expect(added).toEqual([{ name: 'api', breaker: api }]);
  });

  it('stops calling a listener once it unsubscribes, idempotently', () => {
    const { registry } = setup();
    const { events, off } = recorder(registry);
    registry.get('a');
    off();
    off();
    trip(registry.get('a'));
    registry.get('b');
    registry.delete('b');
    expect(events).toEqual(['added a']);
  });

  it('no longer passes on the transitions of a deleted breaker', () => {
    const { registry } = setup();
    const api = registry.get('api');
    const { events } = recorder(registry);
    registry.delete('api');
    api.forceOpen();
    trip(registry.get('api'));
    expect(events).toEqual(['removed api deleted', 'added api', 'api closed->open']);
  });

  it('sends a throwing listener to onListenerError and keeps notifying the others', () => {
    const errors: unknown[] = [];
    const { registry } = setup({ onListenerError: (error) => errors.push(error) });
    const names: string[] = [];
    registry.on('added', () => {
      throw new Error('listener');
    });
    registry.on('added', ({ name }) => names.push(name));
    registry.get('api');
    expect(names).toEqual(['api']);
    expect(errors).toEqual([new Error('listener')]);
    expect(registry.has('api')).toBe(true);
  });

  it('disposes every breaker on dispose(), emits removed for each, then drops its listeners', () => {
    const { registry } = setup();
    const a = registry.get('a');
    const b = registry.get('b');
    const { events } = recorder(registry);
    const lateStateChanges: StateChangeEvent[] = [];
    a.on('stateChange', (event) => lateStateChanges.push(event));
    registry.dispose();
    expect(events).toEqual(['removed a disposed', 'removed b disposed']);
    expect(registry.size).toBe(0);
    // Disposed breakers hold no listeners, and the registry forwards nothing any more.
    a.forceOpen();
    b.forceOpen();
    expect(lateStateChanges).toEqual([]);
    const c = registry.get('c');
    trip(c);
    expect(events).toEqual(['removed a disposed', 'removed b disposed']);
    expect(c.state).toBe('open');
  });

  it('supports `using`', () => {
    let breaker: CircuitBreaker | undefined;
    const removed: string[] = [];
    {
      using registry = new BreakerRegistry();
      registry.on('removed', ({ name }) => removed.push(name));
      breaker = registry.get('api');
    }
    expect(removed).toEqual(['api']);
    expect(breaker?.state).toBe('closed');
  });
});

describe('BreakerRegistry: size bound', () => {
  function names(registry: BreakerRegistry): string[] {
    return [...registry.breakers()].map((b) => b.name).sort();
  }

  it('evicts the least recently used closed breaker when adding beyond maxSize', () => {
    const { registry } = setup({ maxSize: 2 });
    const { events } = recorder(registry);
    registry.get('a');
    registry.get('b');
    registry.get('a');
    registry.get('c');
    expect(events).toEqual(['added a', 'added b', 'removed b evicted', 'added c']);
    expect(names(registry)).toEqual(['a', 'c']);
  });

  it('holds the bound even when every breaker was used a moment ago', () => {
    const { registry } = setup({ maxSize: 3 });
    for (let i = 0; i < 50; i++) registry.get(`name-${i}`);
    expect(registry.size).toBe(3);
    expect(names(registry)).toEqual(['name-47', 'name-48', 'name-49']);
  });

  it('never evicts a breaker that is open, half-open, forced open or disabled', () => {
    const { clock, registry } = setup({ maxSize: 1 });
    const overflows: BreakerOverflowEvent[] = [];
    registry.on('overflow', (event) => overflows.push(event));
    trip(registry.get('open'));
    halfOpen(registry.get('probing'), clock);
    registry.forceOpen('isolated');
    registry.get('off').disable();
    registry.get('new');
    expect(names(registry)).toEqual(['isolated', 'new', 'off', 'open', 'probing']);
    expect(overflows.map(({ name, size, maxSize }) => `${name} ${size}/${maxSize}`)).toEqual([
      'probing 2/1',
      'isolated 3/1',
      'off 4/1',
      'new 5/1',
    ]);
    // 'new' is the only closed breaker: the next one replaces it.
    registry.get('newer');
    expect(registry.has('new')).toBe(false);
    expect(overflows).toHaveLength(5);
  });

  it('comes back to its bound as held breakers close, at the next additions', () => {
    const { registry } = setup({ maxSize: 2 });
    for (const name of ['a', 'b', 'c', 'd']) trip(registry.get(name));
    expect(registry.size).toBe(4);
    registry.resetAll();
    const { events } = recorder(registry);
    registry.get('e');
    expect(events).toEqual([
      'removed a evicted',
      'removed b evicted',
      'removed c evicted',
      'added e',
    ]);
    expect(names(registry)).toEqual(['d', 'e']);
  });

  it('takes a breaker that opens out of the eviction order and puts it back when it closes', () => {
    const { clock, registry } = setup({ maxSize: 2 });
    const a = registry.get('a');
    registry.get('b');
    trip(a);
    registry.get('c');
    // b was the only candidate; a is open.
    expect(names(registry)).toEqual(['a', 'c']);
    clock.tick(1_000);
    a.acquire().settle(success());
    expect(a.state).toBe('closed');
    // a closed after c was added: a is now the most recently used.
    registry.get('d');
    expect(names(registry)).toEqual(['a', 'd']);
  });

  it.each([
    ['synchronously', false],
    ['asynchronously', true],
  ])('holds a breaker restored open from a store that loads %s', async (_, async) => {
    const memory = new MemoryStore();
    const store: BreakerStore = {
      load: (name) => (async ? Promise.resolve(memory.load(name)) : memory.load(name)),
      save: (name, state) => memory.save(name, state),
    };
    const { clock, registry } = setup({ maxSize: 1, store });
    memory.save('restored', {
      state: 'open',
      version: 3,
      openedAt: clock.now(),
      openUntil: clock.now() + 60_000,
      recoveryAttempt: 1,
    });
    await registry.get('restored').ready;
    registry.get('other');
    registry.get('another');
    expect(names(registry)).toEqual(['another', 'restored']);
  });

  it('counts calls made through a held reference since its last look as a use', async () => {
    const { registry } = setup({ maxSize: 2 });
    const a = registry.get('a');
    registry.get('b');
    await a.execute(async () => 'ok');
    registry.get('c');
    expect(names(registry)).toEqual(['a', 'c']);
    // No call on a since the registry last looked: it is the least recently used now.
    registry.get('d');
    expect(names(registry)).toEqual(['c', 'd']);
  });

  it('stops evicting when a removed listener gets each evicted name again', () => {
    const { registry } = setup({ maxSize: 2 });
    registry.on('removed', ({ name }) => registry.get(name));
    registry.get('a');
    registry.get('b');
    registry.get('c');
    expect(registry.has('c')).toBe(true);
    expect(registry.size).toBeLessThanOrEqual(3);
  });

  it('does not count peek() as use', () => {
    const { registry } = setup({ maxSize: 1 });
    registry.get('a');
    registry.peek('a');
    registry.get('b');
    expect(registry.has('a')).toBe(false);
  });

  it('restores an evicted breaker from the store when it comes back', () => {
    const store = new MemoryStore();
    const { registry } = setup({ maxSize: 1, store });
    const a = registry.get('a');
    trip(a);
    a.reset();
    registry.get('b');
    expect(registry.has('a')).toBe(false);
    expect(registry.get('a').snapshot().version).toBe(a.snapshot().version);
  });

  it('may evict a reconfigured breaker, and reapplies the change when it comes back', () => {
    const { registry } = setup({ maxSize: 1 });
    registry.get('tuned', { maxRetryAfterMs: 10 });
    registry.reconfigure('tuned', { maxRecoveryAttempts: 100 });
    registry.reconfigure('tuned', { halfOpen: { maxProbes: 2 } });
    registry.get('other');
    expect(registry.has('tuned')).toBe(false);
    const again = registry.get('tuned', { maxRetryAfterMs: 20 });
    expect(again.options).toMatchObject({
      maxRecoveryAttempts: 100,
      maxRetryAfterMs: 20,
      maxProbes: 2,
    });
    // delete() forgets the reconfiguration with the breaker.
    registry.delete('tuned');
    expect(registry.get('tuned').options.maxRecoveryAttempts).toBe(Infinity);
  });

  it('rejects the idleMs option it no longer uses, saying why', () => {
    expect(() => new BreakerRegistry({ idleMs: 1_000 } as BreakerRegistryOptions)).toThrow(
      /`idleMs`.*maxSize/,
    );
  });
});

describe('BreakerRegistry: enabled = false', () => {
  function recordingStore() {
    const calls: string[] = [];
    const store: BreakerStore = {
      load: (name) => {
        calls.push(`load ${name}`);
        return undefined;
      },
      save: (name, state: DurableState) => {
        calls.push(`save ${name} ${state.state}`);
      },
    };
    return { calls, store };
  }

  it('creates breakers disabled and keeps them off the store', async () => {
    const { calls, store } = recordingStore();
    const { registry } = setup({ enabled: false, store });
    const { events } = recorder(registry);
    const api = registry.get('api');
    expect(api.state).toBe('disabled');
    expect(api.options.store).toBeUndefined();
    await api.execute(() => Promise.reject(new Error('boom'))).catch(() => {});
    expect(api.state).toBe('disabled');
    expect(api.snapshot().counters.failures).toBe(1);
    expect(events).toEqual(['added api']);
    expect(calls).toEqual([]);
    expect(registry.health().status).toBe('healthy');
  });

  it('resets breakers back to disabled', () => {
    const { registry } = setup({ enabled: false });
    const api = registry.get('api');
    api.enable();
    trip(api);
    registry.resetAll();
    expect(api.state).toBe('disabled');
    api.forceOpen();
    registry.reset('api');
    expect(api.state).toBe('disabled');
  });

  it('evicts disabled breakers: disabled is their fresh state', () => {
    const { registry } = setup({ enabled: false, maxSize: 1 });
    registry.get('a');
    registry.get('b');
    expect(registry.has('a')).toBe(false);
  });
});
