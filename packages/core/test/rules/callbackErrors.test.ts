import {
  type Backoff,
  BreakerRegistry,
  CircuitBreaker,
  failure,
  ManualClock,
  MemoryStore,
  type Outcome,
  onStatus,
} from '@breakwater/core';
import { HttpGuard } from '@breakwater/core/adapter';
import { describe, expect, it, vi } from 'vitest';

const boom = () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
const ok = () => Promise.resolve('ok');

/** Collects what reaches the one route, by source. */
function route() {
  const seen: Array<[string, string]> = [];
  const handler = (error: unknown, source: string) => {
    seen.push([source, (error as Error).message]);
  };
  return { seen, handler };
}

/** Runs `fn` and collects what Breakwater rethrows in microtasks (scheduled, not run). */
async function uncaught(fn: () => Promise<void>): Promise<unknown[]> {
  const scheduled: (() => void)[] = [];
  const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
    scheduled.push(task);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  const errors: unknown[] = [];
  for (const task of scheduled) {
    try {
      task();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

describe('errors from user code take one route and never change results or state', () => {
  it('keeps the call result and saves the transition when onListenerError itself throws', async () => {
    const store = new MemoryStore();
    const errors = await uncaught(async () => {
      const breaker = new CircuitBreaker({
        name: 'x',
        store,
        clock: new ManualClock(),
        strategy: { type: 'consecutive', failureCount: 1 },
        onListenerError: () => {
          throw new Error('handler broke');
        },
      });
      breaker.on('success', () => {
        throw new Error('listener broke');
      });
      breaker.on('stateChange', () => {
        throw new Error('listener broke');
      });
      await expect(breaker.execute(ok)).resolves.toBe('ok');
      await expect(breaker.execute(boom)).rejects.toThrow('reset');
      expect(breaker.state).toBe('open');
      expect(store.load('x')?.state).toBe('open');
    });
    expect(errors.map((e) => (e as Error).message)).toEqual(['handler broke', 'handler broke']);
  });

  it('uses the onListenerError given to reconfigure()', async () => {
    const first = route();
    const second = route();
    const breaker = new CircuitBreaker({
      clock: new ManualClock(),
      onListenerError: first.handler,
    });
    breaker.on('success', () => {
      throw new Error('listener');
    });
    breaker.reconfigure({ onListenerError: second.handler });
    await breaker.execute(ok);
    expect(first.seen).toEqual([]);
    expect(second.seen).toEqual([['success', 'listener']]);
  });

  it('routes a throwing classifier rule there, as no opinion', async () => {
    const { seen, handler } = route();
    const breaker = new CircuitBreaker({
      clock: new ManualClock(),
      onListenerError: handler,
      classify: [
        () => {
          throw new Error('rule');
        },
      ],
    });
    await expect(breaker.execute(boom)).rejects.toThrow('reset');
    expect(seen).toEqual([['classify[0]', 'rule']]);
    expect(breaker.snapshot().counters.failures).toBe(1);
  });

  it("routes an HTTP adapter's onResponse and own rules to the breaker's handler", () => {
    const { seen, handler } = route();
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ defaults: { clock, onListenerError: handler } });
    const guard = new HttpGuard({
      registry,
      onResponse: () => {
        throw new Error('hook');
      },
      classify: [
        () => {
          throw new Error('adapter rule');
        },
        onStatus(503, failure('maintenance')),
      ],
    });
    const call = guard.acquire({ url: new URL('https://api.example.com/x'), method: 'GET' });
    if (!('permit' in call)) throw call;
    const outcome: Outcome = { kind: 'response', status: 503, header: () => null };
    expect(guard.settle(call, outcome)?.category).toBe('maintenance');
    expect(seen).toEqual([
      ['onResponse', 'hook'],
      ['classify[0]', 'adapter rule'],
    ]);
  });

  it('routes a throwing or invalid custom recovery backoff there and opens for the default delay', async () => {
    for (const delayMs of [
      () => Number.NaN,
      () => -5,
      () => Infinity,
      () => {
        throw new Error('backoff broke');
      },
    ]) {
      const { seen, handler } = route();
      const clock = new ManualClock({ random: () => 0.5 });
      const openMs: Backoff = { delayMs, describe: () => 'broken' };
      const breaker = new CircuitBreaker({
        clock,
        openMs,
        onListenerError: handler,
        strategy: { type: 'consecutive', failureCount: 1 },
      });
      await breaker.execute(boom).catch(() => {});
      expect(seen.map(([source]) => source)).toEqual(['openMs']);
      // The default recovery's first delay: 10 s (jitter 0.1 around it, at random 0.5: exact).
      expect(breaker.snapshot().openUntil - clock.now()).toBe(10_000);
      expect(breaker.toJSON().openUntil).toBe(clock.now() + 10_000);
    }
  });
});
