import {
  BreakerRegistry,
  constantBackoff,
  failure,
  type HttpBreakerOptions,
  isBreakerOpenError,
  ManualClock,
  type Outcome,
  onBody,
  type RegistryBreakerOptions,
  type RetryPolicyOptions,
  responseOutcome,
  setDefaultRegistry,
  TimeoutError,
} from '@breakwater/core';
import {
  fetchResponseAdapter,
  type HttpCall,
  HttpGuard,
  type HttpRequestInfo,
} from '@breakwater/core/adapter';
import { afterEach, describe, expect, it, vi } from 'vitest';

const origin = 'https://api.example.com';
const get: HttpRequestInfo = { url: new URL(`${origin}/v1/ticker?pair=XBTUSD`), method: 'GET' };
const post: HttpRequestInfo = { url: new URL(`${origin}/v1/order`), method: 'POST' };

let registries: BreakerRegistry[] = [];
afterEach(() => {
  for (const registry of registries) registry.dispose();
  registries = [];
});

function create(options: HttpBreakerOptions = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 2 } },
  });
  registries.push(registry);
  const guard = new HttpGuard({ registry, ...options });
  return { clock, registry, guard, breaker: () => registry.get(origin) };
}

function admitted(call: HttpCall | Error): HttpCall {
  if (call instanceof Error) throw call;
  return call;
}

const response = (status: number, body = '{}', headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });

/** A send function: each call returns the next response, and counts. */
function sequence(...responses: (() => Response)[]) {
  const sent = { count: 0 };
  const send = () => {
    const next = responses[Math.min(sent.count, responses.length - 1)]!;
    sent.count++;
    return Promise.resolve(next());
  };
  return { send, sent };
}

describe('HttpGuard.acquire and settle', () => {
  it('admits a request with its context and settles it through the breaker', () => {
    const { guard, breaker } = create();
    const call = admitted(guard.acquire(get));
    expect(call.context).toEqual({
      key: origin,
      method: 'GET',
      endpoint: origin,
      idempotent: true,
    });
    expect(call.breaker).toBe(breaker());
    expect(guard.settle(call, responseOutcome(200, {}))).toEqual({
      verdict: 'success',
      category: 'none',
    });
    expect(breaker().snapshot().counters.successes).toBe(1);
  });

  it('returns the BreakerOpenError to throw while the breaker is open', () => {
    const { guard } = create();
    for (let i = 0; i < 2; i++)
      guard.settle(admitted(guard.acquire(get)), responseOutcome(500, {}));
    const rejected = guard.acquire(get);
    expect(isBreakerOpenError(rejected)).toBe(true);
  });

  it('calls onResponse once per call, before the breaker records the outcome', () => {
    const seen: string[] = [];
    const { guard, breaker } = create({
      onResponse: (outcome, context) => {
        seen.push(`${(outcome as { status: number }).status} ${context.key} ${breaker().state}`);
      },
    });
    for (let i = 0; i < 2; i++) {
      const call = admitted(guard.acquire(get));
      guard.settle(call, responseOutcome(503, {}));
      guard.settle(call, responseOutcome(503, {}));
    }
    expect(seen).toEqual([`503 ${origin} closed`, `503 ${origin} closed`]);
    expect(breaker().state).toBe('open');
  });

  it("releases the permit when the caller's signal aborted, whatever the error", () => {
    const { guard, breaker } = create();
    const controller = new AbortController();
    const call = admitted(guard.acquire(get, undefined, controller.signal));
    controller.abort('user left');
    expect(guard.settle(call, { kind: 'error', error: 'user left' })).toBeUndefined();
    const { counters } = breaker().snapshot();
    expect([counters.released, counters.failures]).toEqual([1, 0]);
  });

  it('counts a caller signal that timed out as a timeout', () => {
    const { guard, breaker } = create();
    const reason = new DOMException('The operation timed out.', 'TimeoutError');
    const call = admitted(guard.acquire(get, undefined, AbortSignal.abort(reason)));
    expect(guard.settle(call, { kind: 'error', error: reason })?.category).toBe('timeout');
    expect(breaker().snapshot().counters.timeouts).toBe(1);
  });

  it('lets a bypassed request through an open breaker and records nothing', () => {
    const seen: Outcome[] = [];
    const { guard, breaker } = create({ onResponse: (outcome) => seen.push(outcome) });
    breaker().forceOpen();
    const call = admitted(guard.acquire(get, { bypass: true }));
    expect([call.permit, call.breaker]).toEqual([undefined, undefined]);
    expect(guard.settle(call, responseOutcome(500, {}))).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('takes the key, idempotency, deadline and context of a request from its options', () => {
    const { guard, registry } = create({ timeoutMs: 2_000, idempotent: () => undefined });
    const call = admitted(
      guard.acquire(post, {
        key: 'orders',
        idempotent: true,
        timeoutMs: 500,
        context: { endpoint: 'place-order' },
      }),
    );
    expect(call.context).toEqual({
      key: 'orders',
      method: 'POST',
      endpoint: 'place-order',
      idempotent: true,
    });
    expect(call.timeoutMs).toBe(500);
    expect(call.breaker).toBe(registry.peek('orders'));
    expect(admitted(guard.acquire(get, { timeoutMs: Infinity })).timeoutMs).toBeUndefined();
    expect(admitted(guard.acquire(get)).timeoutMs).toBe(2_000);
  });

  it('gives each request the context of its own origin, method and idempotency', () => {
    const { guard } = create();
    const contextOf = (request: HttpRequestInfo, idempotent?: boolean) =>
      admitted(guard.acquire(request, idempotent === undefined ? undefined : { idempotent }))
        .context;
    const other: HttpRequestInfo = { url: new URL('https://other.example/x'), method: 'GET' };
    const keyed: HttpRequestInfo = { ...post, headers: { 'Idempotency-Key': 'k-1' } };
    const expected = [
      [get, undefined, { key: origin, method: 'GET', idempotent: true }],
      [get, undefined, { key: origin, method: 'GET', idempotent: true }],
      [get, false, { key: origin, method: 'GET', idempotent: false }],
      [get, undefined, { key: origin, method: 'GET', idempotent: true }],
      [other, undefined, { key: 'https://other.example', method: 'GET', idempotent: true }],
      [keyed, undefined, { key: origin, method: 'POST', idempotent: true }],
      [post, undefined, { key: origin, method: 'POST', idempotent: false }],
      [keyed, undefined, { key: origin, method: 'POST', idempotent: true }],
      [{ ...get, method: 'get' }, undefined, { key: origin, method: 'GET', idempotent: true }],
    ] as const;
    for (const [request, idempotent, context] of expected) {
      expect(contextOf(request, idempotent)).toEqual({ ...context, endpoint: context.key });
    }
  });

  it('passes one frozen object of breaker options to the registry, on every request', () => {
    const seen = new Set<object | undefined>();
    const conflicts: string[] = [];
    const registry = new (class extends BreakerRegistry {
      override get(name: string, options?: RegistryBreakerOptions) {
        seen.add(options);
        return super.get(name, options);
      }
    })({ defaults: { clock: new ManualClock() } });
    registries.push(registry);
    registry.on('conflict', ({ path }) => conflicts.push(path));
    const guard = new HttpGuard({
      registry,
      strategy: { type: 'consecutive', failureCount: 1 },
      openMs: 5_000,
    });
    for (let i = 0; i < 3; i++)
      guard.settle(admitted(guard.acquire(get)), responseOutcome(200, {}));
    guard.settle(admitted(guard.acquire(post)), responseOutcome(500, {}));
    expect([...seen]).toHaveLength(1);
    expect(Object.isFrozen([...seen][0])).toBe(true);
    expect(registry.peek(origin)?.state).toBe('open');
    expect(conflicts).toEqual([]);
  });

  it('merges the context option of a request under its per-request context', () => {
    const seen: (string | undefined)[] = [];
    const { guard } = create({
      context: (request) => ({ endpoint: request.url.pathname }),
      classify: (_outcome, ctx) => {
        seen.push(ctx?.endpoint);
        return undefined;
      },
    });
    const call = admitted(guard.acquire(post));
    expect(call.context).toEqual({
      key: origin,
      method: 'POST',
      endpoint: '/v1/order',
      idempotent: false,
    });
    guard.settle(call, responseOutcome(200, {}));
    expect(seen).toEqual(['/v1/order']);
    const own = admitted(guard.acquire(post, { context: { endpoint: 'place-order' } }));
    expect(own.context.endpoint).toBe('place-order');
  });

  it('rejects a context option that returns something other than fields', () => {
    const { guard } = create({ context: () => 'orders' as never });
    expect(() => guard.acquire(get)).toThrow(
      /`context`: expected a function that returns an object or undefined/,
    );
    expect(() => create({ context: 1 as never })).toThrow(/`context`: expected a function/);
  });

  it('checks per-request options', () => {
    const { guard } = create();
    expect(() => guard.acquire(get, { timeoutMs: -1 })).toThrow(
      'Invalid option `breakwater.timeoutMs`: expected a finite number from 1 to 2147483647, received -1.',
    );
    expect(() => guard.acquire(get, { bypas: true } as never)).toThrow(/`breakwater.bypas`/);
  });
});

describe('HttpGuard.execute', () => {
  it('reads the body for body rules, so an HTTP 200 error body opens the breaker', async () => {
    const { guard, breaker } = create({
      bodyRules: [{ match: (status) => status === 200 }],
      classify: onBody((body) => (body as { code?: number }).code === -1003, failure('rate_limit')),
    });
    const { send, sent } = sequence(() => response(200, '{"code":-1003}'));
    for (let i = 0; i < 2; i++) {
      const res = await guard.execute(get, undefined, send, fetchResponseAdapter, undefined);
      expect(await res.json()).toEqual({ code: -1003 });
    }
    expect(breaker().state).toBe('open');
    await expect(
      guard.execute(get, undefined, send, fetchResponseAdapter, undefined),
    ).rejects.toSatisfy(isBreakerOpenError);
    expect(sent.count).toBe(2);
  });

  it('gives each attempt a deadline on the breaker clock, as a timeout failure', async () => {
    const { guard, clock, breaker } = create({ timeoutMs: 1_000 });
    let signal: AbortSignal | undefined;
    const hang = (s: AbortSignal | undefined) => {
      signal = s;
      return new Promise<Response>((_, reject) =>
        s?.addEventListener('abort', () => reject(s.reason)),
      );
    };
    const pending = guard.execute(get, undefined, hang, fetchResponseAdapter, undefined);
    await clock.advance(1_000);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(signal?.aborted).toBe(true);
    expect(breaker().snapshot().counters.timeouts).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the caller signal linked to the request after the deadline is cleared', async () => {
    const { guard, clock } = create({ timeoutMs: 1_000 });
    const controller = new AbortController();
    let signal: AbortSignal | undefined;
    const send = (s: AbortSignal | undefined) => {
      signal = s;
      return Promise.resolve(response(200));
    };
    await guard.execute(get, undefined, send, fetchResponseAdapter, controller.signal);
    expect(clock.pendingTimers).toBe(0);
    controller.abort();
    expect(signal?.aborted).toBe(true);
  });

  it('retries idempotent requests, one breaker call each, cancelling the bodies it skips', async () => {
    const { guard, breaker } = create({
      retry: { maxAttempts: 3, backoff: constantBackoff(0) },
      strategy: { type: 'consecutive', failureCount: 5 },
    });
    const cancelled: number[] = [];
    const failing = (n: number) => () =>
      new Response(
        new ReadableStream({
          cancel: () => {
            cancelled.push(n);
          },
        }),
        { status: 503 },
      );
    const { send, sent } = sequence(failing(1), failing(2), () => response(200, '{"ok":true}'));
    const res = await guard.execute(get, undefined, send, fetchResponseAdapter, undefined);
    expect(await res.json()).toEqual({ ok: true });
    expect(sent.count).toBe(3);
    expect(cancelled).toEqual([1, 2]);
    const { counters } = breaker().snapshot();
    expect([counters.calls, counters.failures, counters.successes]).toEqual([3, 2, 1]);
  });

  it('never retries a non-idempotent or non-replayable request, or with retry: false', async () => {
    const { guard } = create({
      retry: { maxAttempts: 3, backoff: constantBackoff(0) },
      strategy: { type: 'consecutive', failureCount: 5 },
    });
    const cases: [HttpRequestInfo, object | undefined][] = [
      [post, undefined],
      [{ ...get, replayable: false }, undefined],
      [get, { retry: false }],
    ];
    for (const [request, options] of cases) {
      const { send, sent } = sequence(() => response(503));
      const res = await guard.execute(request, options, send, fetchResponseAdapter, undefined);
      expect([res.status, sent.count]).toEqual([503, 1]);
    }
  });

  it('stops retrying once the breaker opens', async () => {
    const { guard } = create({ retry: { maxAttempts: 5, backoff: constantBackoff(0) } });
    const { send, sent } = sequence(() => response(500));
    await expect(
      guard.execute(get, undefined, send, fetchResponseAdapter, undefined),
    ).rejects.toSatisfy(isBreakerOpenError);
    expect(sent.count).toBe(2);
  });

  it('sends a bypassed request as it is', async () => {
    const { guard, breaker } = create({ timeoutMs: 10 });
    breaker().forceOpen();
    let signal: AbortSignal | undefined = AbortSignal.abort();
    const send = (s: AbortSignal | undefined) => {
      signal = s;
      return Promise.resolve(response(200));
    };
    const res = await guard.execute(get, { bypass: true }, send, fetchResponseAdapter, undefined);
    expect([res.status, signal]).toEqual([200, undefined]);
  });

  it('rejects invalid per-request options without sending', async () => {
    const { guard } = create();
    const { send, sent } = sequence(() => response(200));
    await expect(
      guard.execute(get, { key: '' }, send, fetchResponseAdapter, undefined),
    ).rejects.toThrow('Invalid option `breakwater.key`');
    expect(sent.count).toBe(0);
  });
});

describe('HttpGuard.settleResponse', () => {
  const rules = {
    bodyRules: { match: (status: number) => status === 200, maxBytes: 64 },
    classify: onBody((body) => (body as { code?: number } | null)?.code === -1, failure('server')),
  };
  const json = { 'content-type': 'application/json' };

  it('settles a status and headers at once, never reading a body no rule asks for', () => {
    const { guard, breaker } = create({ bodyRules: { match: (status) => status === 200 } });
    const reads: number[] = [];
    const readBody = (maxBytes: number) => {
      reads.push(maxBytes);
      return { code: -1 };
    };
    const call = admitted(guard.acquire(get));
    expect(guard.settleResponse(call, 503, json, readBody)).toEqual({
      verdict: 'failure',
      category: 'server',
    });
    const text = admitted(guard.acquire(get));
    guard.settleResponse(text, 200, { 'content-type': 'image/png' }, readBody);
    const withoutReader = admitted(guard.acquire(get));
    guard.settleResponse(withoutReader, 200, json);
    expect(reads).toEqual([]);
    expect(breaker().snapshot().counters).toMatchObject({ failures: 1, successes: 2 });
  });

  it("reads a body when a rule applies, with the rule's maxBytes, and settles with it", () => {
    const { guard, breaker } = create(rules);
    const reads: number[] = [];
    const call = admitted(guard.acquire(get));
    const verdict = guard.settleResponse(call, 200, json, (maxBytes) => {
      reads.push(maxBytes);
      return { code: -1 };
    });
    expect(verdict).toEqual({ verdict: 'failure', category: 'server' });
    expect(reads).toEqual([64]);
    expect(breaker().snapshot().counters.failuresByCategory.server).toBe(1);
  });

  it('waits for a body that arrives later, and settles when it does', async () => {
    const { guard, breaker } = create(rules);
    let deliver: (body: unknown) => void = () => {};
    const call = admitted(guard.acquire(get));
    const settled = guard.settleResponse(
      call,
      200,
      json,
      () => new Promise((resolve) => (deliver = resolve)),
    );
    expect(settled).toBeInstanceOf(Promise);
    expect(call.permit?.settled).toBe(false);
    deliver({ code: -1 });
    expect(await settled).toEqual({ verdict: 'failure', category: 'server' });
    expect(breaker().snapshot().counters.failures).toBe(1);
  });

  it('settles without the body when reading it throws or rejects, and never rejects', async () => {
    const bodies: unknown[] = [];
    const { guard, breaker } = create({
      ...rules,
      onResponse: (outcome) => bodies.push(outcome.kind === 'response' && outcome.body),
    });
    const throwing = admitted(guard.acquire(get));
    guard.settleResponse(throwing, 200, json, () => {
      throw new Error('socket closed');
    });
    const rejecting = admitted(guard.acquire(get));
    await guard.settleResponse(rejecting, 200, json, () => Promise.reject(new Error('reset')));
    expect(bodies).toEqual([undefined, undefined]);
    expect(breaker().snapshot().counters.successes).toBe(2);
  });

  it('reads nothing for a call that is bypassed or already settled', () => {
    const { guard } = create(rules);
    let reads = 0;
    const readBody = () => {
      reads++;
      return { code: -1 };
    };
    const bypassed = admitted(guard.acquire(get, { bypass: true }));
    expect(guard.settleResponse(bypassed, 200, json, readBody)).toBeUndefined();
    const call = admitted(guard.acquire(get));
    guard.settle(call, { kind: 'error', error: new Error('reset') });
    expect(guard.settleResponse(call, 200, json, readBody)).toBeUndefined();
    expect(reads).toBe(0);
  });
});

describe('HttpGuard.sendAttempt', () => {
  /** A send that hangs until its signal aborts, and keeps the signal it was given. */
  function hanging() {
    const given: { signal?: AbortSignal | undefined } = {};
    const send = (signal: AbortSignal | undefined) => {
      given.signal = signal;
      return new Promise<never>((_, reject) =>
        signal?.addEventListener('abort', () => reject(signal.reason)),
      );
    };
    return { send, given };
  }

  it("sends under the call's deadline, on the breaker's clock, rejecting with TimeoutError", async () => {
    const { guard, clock, breaker } = create({ timeoutMs: 1_000 });
    const caller = new AbortController();
    const call = admitted(guard.acquire(get, undefined, caller.signal));
    const { send, given } = hanging();
    const pending = guard.sendAttempt(call, send, caller.signal).catch((e: unknown) => e);
    expect(given.signal).not.toBe(caller.signal);
    await clock.advance(1_000);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(given.signal?.aborted).toBe(true);
    expect(guard.settle(call, { kind: 'error', error })?.category).toBe('timeout');
    expect(breaker().snapshot().counters.timeouts).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("passes the caller's signal itself when there is no deadline, or Infinity overrides it", async () => {
    const { guard, clock } = create({ timeoutMs: 1_000 });
    const caller = new AbortController();
    const plain = create();
    const withoutDeadline = admitted(plain.guard.acquire(get, undefined, caller.signal));
    const first = hanging();
    const one = plain.guard.sendAttempt(withoutDeadline, first.send, caller.signal);
    expect(first.given.signal).toBe(caller.signal);

    const overridden = admitted(guard.acquire(get, undefined, caller.signal));
    const second = hanging();
    const two = guard.sendAttempt(overridden, second.send, caller.signal, Infinity);
    expect(second.given.signal).toBe(caller.signal);
    expect(clock.pendingTimers).toBe(0);
    caller.abort('done');
    await expect(Promise.all([one, two])).rejects.toBe('done');
  });

  it('turns what send throws into a rejection', async () => {
    const { guard, clock } = create({ timeoutMs: 1_000 });
    const boom = new Error('bad input');
    const throwing = () => {
      throw boom;
    };
    await expect(guard.sendAttempt(admitted(guard.acquire(get)), throwing, undefined)).rejects.toBe(
      boom,
    );
    const plain = create();
    await expect(
      plain.guard.sendAttempt(admitted(plain.guard.acquire(get)), throwing, undefined),
    ).rejects.toBe(boom);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('HttpGuard retry options', () => {
  it("rejects retry for a client that retries by itself, naming the client's retry", () => {
    const clientRetry = "the client's own `retry` option";
    expect(() => new HttpGuard({ retry: false }, { clientRetry })).toThrow(
      "Invalid option `retry`: expected no `retry` here: retry with the client's own `retry` " +
        'option, each attempt one breaker call, received false.',
    );
    expect(() => new HttpGuard({ retry: undefined }, { clientRetry })).not.toThrow();
    const { registry } = create();
    const guard = new HttpGuard({ registry }, { clientRetry });
    expect(() => guard.acquire(get, { retry: { maxAttempts: 2 } })).toThrow(
      /^Invalid option `breakwater.retry`: expected no `retry` here: retry with the client's own/,
    );
    expect(registry.size).toBe(0);
  });

  /** Retry options that count how often they are read: once per policy built from them. */
  function counted(reads: { count: number }): RetryPolicyOptions {
    const options = { backoff: constantBackoff(0) };
    Object.defineProperty(options, 'maxAttempts', {
      enumerable: true,
      get: () => {
        reads.count++;
        return 2;
      },
    });
    return options;
  }

  it('builds one policy per retry options object, and none to check them', async () => {
    const reads = { count: 0 };
    const { guard } = create({ retry: counted(reads) });
    expect(reads.count).toBe(1);
    const ok = () => Promise.resolve(response(200));
    for (let i = 0; i < 3; i++)
      await guard.execute(get, undefined, ok, fetchResponseAdapter, undefined);
    expect(reads.count).toBe(1);

    const shared = { count: 0 };
    const perRequest = { retry: counted(shared) };
    for (let i = 0; i < 3; i++)
      await guard.execute(get, perRequest, ok, fetchResponseAdapter, undefined);
    expect(shared.count).toBe(1);

    const fresh = { count: 0 };
    for (let i = 0; i < 3; i++) {
      await guard.execute(get, { retry: counted(fresh) }, ok, fetchResponseAdapter, undefined);
    }
    expect(fresh.count).toBe(3);
  });

  it('checks per-request retry options, naming them under breakwater.retry', () => {
    const { guard, registry } = create();
    expect(() => guard.acquire(get, { retry: { maxAttempts: 0 } })).toThrow(
      'Invalid option `breakwater.retry.maxAttempts`: expected an integer from 1 to Infinity, received 0.',
    );
    expect(() => guard.acquire(get, { retry: 3 } as never)).toThrow(
      'Invalid option `breakwater.retry`: expected an object',
    );
    expect(() =>
      guard.acquire(get, { retry: { classifyResult: () => undefined } } as never),
    ).toThrow(/^Invalid option `breakwater.retry.classifyResult`/);
    expect(registry.size).toBe(0);
  });

  it("waits between retries on the clock of the default registry of each request's time", async () => {
    const guard = new HttpGuard({ retry: { maxAttempts: 2, backoff: constantBackoff(1_000) } });
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ clock });
    registries.push(registry);
    const previous = setDefaultRegistry(registry);
    try {
      const { send, sent } = sequence(
        () => response(503),
        () => response(200),
      );
      const pending = guard.execute(get, undefined, send, fetchResponseAdapter, undefined);
      await vi.waitFor(() => expect(clock.pendingTimers).toBe(1));
      await clock.advance(1_000);
      expect((await pending).status).toBe(200);
      expect(sent.count).toBe(2);
    } finally {
      setDefaultRegistry(previous);
    }
  });
});
