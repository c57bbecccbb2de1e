import {
  BreakerRegistry,
  type BreakwaterConfigError,
  type HttpBreakerOptions,
  isBreakwaterConfigError,
} from '@breakwater/core';
import { withBreaker } from '@breakwater/fetch';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let server: LoopbackServer;
let registry: BreakerRegistry;

beforeEach(async () => {
  server = await startLoopbackServer();
  registry = new BreakerRegistry();
});

afterEach(async () => {
  registry.dispose();
  await server.close();
});

/** MSW answering `/ok` of the loopback server itself, started after the wrapper was created. */
function mockAfterwards() {
  const mocked = setupServer(
    http.get(server.url('/ok'), () => HttpResponse.json({ mocked: true }, { status: 201 })),
  );
  mocked.listen({ onUnhandledFrame: 'bypass' });
  return mocked;
}

describe('withBreaker without a fetch', () => {
  it("calls the global fetch of each call, so MSW's later listen() intercepts it", async () => {
    const guarded = [
      withBreaker({ registry }),
      withBreaker(),
      withBreaker(undefined, { registry }),
    ];
    const mocked = mockAfterwards();
    try {
      for (const fetch of guarded) {
        const res = await fetch(server.url('/ok'));
        expect(res.status).toBe(201);
      }
    } finally {
      mocked.close();
    }
    expect(server.hits()).toBe(0);
    expect(registry.get(server.origin).snapshot().counters.successes).toBe(2);
    // MSW gone, the global fetch is the real one again.
    expect((await guarded[0]!(server.url('/ok'))).status).toBe(200);
    expect(server.hits()).toBe(1);
  });

  it('keeps a fetch passed in for its lifetime, the global one included', async () => {
    const captured = withBreaker(globalThis.fetch, { registry });
    const mocked = mockAfterwards();
    try {
      expect((await captured(server.url('/ok'))).status).toBe(200);
    } finally {
      mocked.close();
    }
    expect(server.hits()).toBe(1);
  });

  it('rejects a call made while there is no global fetch, without touching the breaker', async () => {
    const guarded = withBreaker({ registry });
    const original = globalThis.fetch;
    // A runtime without fetch, or a test that removed it: a mistake of setup, not an outage.
    Reflect.deleteProperty(globalThis, 'fetch');
    let error: unknown;
    try {
      error = await guarded(server.url('/ok')).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
    } finally {
      globalThis.fetch = original;
    }
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as BreakwaterConfigError).option).toBe('fetchFn');
    expect(registry.peek(server.origin)?.snapshot().counters.calls ?? 0).toBe(0);
    expect(server.hits()).toBe(0);
  });

  it('rejects a fetch that is not a function when created, naming it', () => {
    for (const bad of ['fetch', 42, null, true]) {
      let error: unknown;
      try {
        withBreaker(bad as unknown as typeof fetch, { registry });
      } catch (thrown) {
        error = thrown;
      }
      expect(isBreakwaterConfigError(error)).toBe(true);
      expect((error as BreakwaterConfigError).option).toBe('fetchFn');
      expect((error as Error).message).toContain('a fetch function');
    }
    // Options in the place of the fetch, and options again: one of them is not a fetch.
    const twice = { registry } as unknown as typeof fetch;
    expect(() => withBreaker(twice, { registry })).toThrow('`fetchFn`');
  });

  it('validates the options given in the place of the fetch', () => {
    expect(() => withBreaker({ timeoutMs: 0 })).toThrow('`timeoutMs`');
    expect(() => withBreaker({ retries: 3 } as HttpBreakerOptions)).toThrow('`retries`');
  });
});
