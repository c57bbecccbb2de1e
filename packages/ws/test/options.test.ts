import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CallContext,
  CircuitBreaker,
  isBreakwaterConfigError,
  ManualClock,
  type RateLimiter,
  rateLimiter,
} from '@breakwater/core';
import {
  type GuardOptions,
  guardWebSocket,
  ResilientWebSocket,
  type UrlGuardOptions,
} from '@breakwater/ws';
import { describe, expect, expectTypeOf, it } from 'vitest';
import WsWebSocket from 'ws';

const factory = () => new WsWebSocket('ws://127.0.0.1:9/');

function configError(options: unknown): string {
  try {
    new ResilientWebSocket(factory, options as GuardOptions).close();
  } catch (error) {
    if (isBreakwaterConfigError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a BreakwaterConfigError');
}

describe('guard options', () => {
  it.each([
    [{ minUptimeMs: -1 }, '`minUptimeMs`'],
    [
      { heartbeatt: {} },
      'Unknown option `heartbeatt` (did you mean `heartbeat`?): expected one of',
    ],
    [{ queue: { maxSize: 1.5 } }, '`queue.maxSize`'],
    [{ classifyMessage: 'json' }, '`classifyMessage`'],
    [
      { heartbeat: { ping: 'sometimes' } },
      "`heartbeat.ping`: expected 'interval', 'idle' or 'none'",
    ],
    [{ heartbeat: { ping: 'none', message: 'ping' } }, '`heartbeat.message`: expected no ping'],
    [{ queue: { dropPolicy: 'random' } }, '`queue.dropPolicy`'],
    [{ maxConnectsPerWindow: { limit: 1, windowMs: 1000 } }, '`maxConnectsPerWindow.limit`'],
    [{ closeCodes: { auth: [[4009, 4001]] } }, '`closeCodes.auth[0][1]`'],
    [
      { rotation: { maxLifetimeMs: 1_000 } },
      '`rotation.maxLifetimeMs`: expected a number > minUptimeMs',
    ],
    [{ reconnect: { backoff: 5 } }, '`reconnect.backoff`'],
    [
      { breaker: { halfOpen: { probeTimeoutMs: 12_000 } } },
      '> connectTimeoutMs + minUptimeMs (15000)',
    ],
  ])('rejects %j, naming the option', (options, message) => {
    expect(configError(options)).toContain(message);
  });

  it('rejects a breaker whose probes would expire before a connection is settled', () => {
    const breaker = new CircuitBreaker({ halfOpen: { probeTimeoutMs: 10_000 } });
    expect(configError({ breaker })).toContain('`breaker.halfOpen.probeTimeoutMs`');
  });

  it('gives a breaker it creates a probe timeout above connectTimeoutMs + minUptimeMs', () => {
    const guard = new ResilientWebSocket(factory, { minUptimeMs: 120_000 });
    expect(guard.breaker.options.probeTimeoutMs).toBe(131_000);
    expect(guard.breaker.name).toBe('websocket');
    guard.close();
  });

  it("takes a shared RateLimiter and an existing breaker's clock", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ name: 'binance', clock });
    const limiter = rateLimiter({
      capacity: 1,
      refill: { amount: 0.01, intervalMs: 1_000 },
      clock,
    });
    const guard = new ResilientWebSocket(factory, { breaker, maxConnectsPerWindow: limiter });
    expect(guard.breaker).toBe(breaker);
    await guard.close();
  });

  it('uses a breaker and a limiter from another copy of core as they are', async () => {
    const clock = new ManualClock();
    const real = new CircuitBreaker({ name: 'other copy', clock });
    const limiter = rateLimiter({
      capacity: 1,
      refill: { amount: 0.01, intervalMs: 1_000 },
      clock,
    });
    let disposed = 0;
    // Not instances of this copy's classes: the members the guard uses, delegated.
    const breaker = {
      get name() {
        return real.name;
      },
      get state() {
        return real.state;
      },
      get options() {
        return real.options;
      },
      tryAcquire: (context?: CallContext) => real.tryAcquire(context),
      on: real.on.bind(real),
      dispose: () => disposed++,
    } as unknown as CircuitBreaker;
    const acquired: number[] = [];
    const foreignLimiter = {
      tryAcquire: (weight = 1) => {
        acquired.push(weight);
        return limiter.tryAcquire(weight);
      },
      execute: limiter.execute.bind(limiter),
      update: limiter.update.bind(limiter),
    } as unknown as RateLimiter;
    expect(breaker).not.toBeInstanceOf(CircuitBreaker);
    const guard = new ResilientWebSocket(factory, {
      breaker,
      maxConnectsPerWindow: foreignLimiter,
    });
    expect(guard.breaker).toBe(breaker);
    const closed = new Promise((resolve) => guard.on('close', resolve));
    await clock.advance(0);
    expect(acquired).toEqual([1]);
    await closed;
    expect(real.snapshot().counters.failures).toBe(1);
    await guard.close();
    expect(disposed).toBe(0);
  });

  it('types the raw socket after the factory, and the standard WebSocket for a URL', () => {
    expectTypeOf<ResilientWebSocket<WsWebSocket>['socket']>().toEqualTypeOf<
      WsWebSocket | undefined
    >();
    expectTypeOf<ReturnType<typeof guardWebSocket<WsWebSocket>>>().toEqualTypeOf<
      ResilientWebSocket<WsWebSocket>
    >();
    expectTypeOf(guardWebSocket).toBeCallableWith('wss://ws.kraken.com/v2', { protocols: 'v2' });
  });
});

describe('guardWebSocket given a URL', () => {
  function urlError(url: unknown, options?: UrlGuardOptions): string {
    try {
      guardWebSocket(url as string, options).close();
    } catch (error) {
      if (isBreakwaterConfigError(error)) return error.message;
      throw error;
    }
    throw new Error('expected a BreakwaterConfigError');
  }

  it.each([
    ['not a url', 'received "[invalid url]"'],
    ['', 'received "[invalid url]"'],
    ['/feed', 'received "/feed"'],
    ['https://api.example.test/feed', 'received "https://api.example.test/feed"'],
    ['ftp://files.example.test/', 'received "ftp://files.example.test/"'],
  ])('rejects %j at creation: a ws:// or wss:// URL is needed', (url, received) => {
    const message = urlError(url);
    expect(message).toContain('Invalid option `url`: expected an absolute ws:// or wss:// URL');
    expect(message).toContain(received);
  });

  it.each(['wss://stream.example.test/ws#ticker', 'wss://stream.example.test/ws#'])(
    'rejects %s: the WebSocket constructor throws on a fragment, even an empty one',
    (url) => {
      expect(urlError(url)).toContain('`url`: expected a URL without a #fragment');
    },
  );

  it('never puts the query or credentials of a rejected URL in the message', () => {
    const message = urlError('https://bot:hunter2@api.example.test/ws?listenKey=secret');
    expect(message).not.toMatch(/hunter2|secret|listenKey/);
  });

  it.each([
    [['v1', 'v1'], 'duplicate'],
    ['two words', 'token'],
    [['ok', ''], 'token'],
    [['ok', 5], 'token'],
  ])('rejects the subprotocols %j at creation', (protocols, word) => {
    const message = urlError('wss://ws.example.test/', { protocols: protocols as string[] });
    expect(message).toContain('Invalid option `protocols');
    expect(message).toContain(word);
  });

  it('refuses a heartbeat it could not send: the standard WebSocket has no ping()', () => {
    for (const heartbeat of [{}, { intervalMs: 5_000 }, { isPong: () => true }]) {
      expect(urlError('wss://ws.example.test/', { heartbeat })).toContain(
        'Invalid option `heartbeat.message`: expected a ping message',
      );
    }
  });

  it('accepts an application heartbeat, heartbeat: false, and no heartbeat at all', async () => {
    const url = 'wss://ws.example.test/';
    const clock = new ManualClock();
    const guards = [
      guardWebSocket(url, { clock, heartbeat: { message: 'ping', isPong: (d) => d === 'pong' } }),
      guardWebSocket(url, { clock, heartbeat: false }),
      guardWebSocket(url, { clock, heartbeat: { ping: 'none', intervalMs: 5_000 } }),
      guardWebSocket(url, { clock }),
    ];
    await Promise.all(guards.map((guard) => guard.close()));
  });
});

describe('the main entry of @breakwater/ws', () => {
  const src = fileURLToPath(new URL('../src', import.meta.url));
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'testing' ? [] : walk(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  })(src);

  it('imports neither ws nor a node: module: it runs in browsers', () => {
    const offenders = files.filter((file) => {
      const code = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
      return /from\s+'(?!\.{1,2}\/|@breakwater\/core(?:\/adapter)?')[^']+'/.test(code);
    });
    expect(offenders.map((file) => relative(src, file))).toEqual([]);
  });

  it('never touches process, Date.now() or global timers: only the Clock', () => {
    const offenders = files.filter((file) => {
      const code = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
      return /\bprocess\.|\bDate\.now\(|(?<![.\w])set(Timeout|Interval)\(/.test(code);
    });
    expect(offenders.map((file) => relative(src, file))).toEqual([]);
  });
});
