import {
  BreakerRegistry,
  type CircuitBreaker,
  failure,
  getBreakerOpenError,
  isBreakerOpenError,
  ManualClock,
  onBody,
  type RegistryBreakerOptions,
} from '@breakwater/core';
import { type HookBreakerOptions, responseFromError } from '@breakwater/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonErrorBody, type LoopbackServer, startLoopbackServer } from '../servers/loopback.ts';
import type { ClientSetup, Driver, DriverClient } from './types.ts';

/** Consecutive failures that open a breaker in every scenario unless it says otherwise. */
const failureCount = 3;
/** How long a breaker stays open before a probe, on the scenario's `ManualClock`. */
const recoveryMs = 1_000;
/**
 * The client timeout of the timeout scenario: real time, against a route that never answers. It
 * must outlast connecting on a loaded machine (at 30 ms a busy CI sometimes timed out before the
 * request reached the server), since the scenario asserts the server saw the request.
 */
const clientTimeoutMs = 300;

interface ScenarioSetup {
  /** Breaker options of the scenario's registry, over the suite's defaults. */
  readonly breaker?: RegistryBreakerOptions;
  /** Adapter options, passed to the driver with the scenario's registry. */
  readonly http?: HookBreakerOptions;
  readonly client?: ClientSetup;
}

interface Scenario {
  readonly clock: ManualClock;
  readonly registry: BreakerRegistry;
  readonly client: DriverClient;
  /** The breaker of the server's origin: the one the adapter created, or a new one. */
  breaker(): CircuitBreaker;
}

/**
 * Runs the HTTP adapter conformance suite against one client: the same scenarios for fetch,
 * axios, got, ky and the undici interceptor, each against a real `node:http` loopback server
 * that counts the requests it saw, so every fast-fail is proven to send nothing. Breakers run on
 * a `ManualClock`; only the client-timeout scenario waits, for a 30 ms client timeout.
 *
 * Call it at the top level of a test file: `runConformance(fetchDriver);`.
 */
export function runConformance(driver: Driver): void {
  describe(`conformance: ${driver.name}`, () => {
    let server: LoopbackServer;
    const cleanups: (() => unknown)[] = [];

    beforeEach(async () => {
      server = await startLoopbackServer();
    });

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await server.close();
    });

    function setup(options: ScenarioSetup = {}): Scenario {
      const clock = new ManualClock();
      const registry = new BreakerRegistry({
        defaults: {
          clock,
          openMs: recoveryMs,
          strategy: { type: 'consecutive', failureCount },
          ...options.breaker,
        },
      });
      const client = driver.create({ registry, ...options.http }, options.client);
      cleanups.push(
        () => registry.dispose(),
        () => client.close?.(),
      );
      return { clock, registry, client, breaker: () => registry.get(server.origin) };
    }

    async function statusOf(client: DriverClient, path: string): Promise<number> {
      return (await client.request(server.url(path))).status;
    }

    async function failWith(client: DriverClient, path: string, times: number): Promise<void> {
      for (let i = 0; i < times; i++) expect(await statusOf(client, path)).toBe(500);
    }

    it('opens on a storm of 5xx, then rejects without sending anything', async () => {
      const { client, breaker } = setup();
      expect(await statusOf(client, '/status/502')).toBe(502);
      expect(await statusOf(client, '/status/504')).toBe(504);
      expect(breaker().state).toBe('closed');
      expect(await statusOf(client, '/status/500')).toBe(500);
      expect(breaker().state).toBe('open');

      const error = await rejection(client.request(server.url('/ok')));
      expect(isBreakerOpenError(error)).toBe(true);
      expect(getBreakerOpenError(error)?.breaker).toBe(server.origin);
      expect(server.hits()).toBe(3);
      expect(server.hits('/ok')).toBe(0);
    });

    it('stays closed on 4xx and auth errors', async () => {
      const { client, breaker } = setup();
      const statuses = [400, 401, 403, 404, 409, 422];
      for (const status of statuses) {
        for (let i = 0; i < failureCount; i++) {
          expect(await statusOf(client, `/status/${status}`)).toBe(status);
        }
      }
      const { counters } = breaker().snapshot();
      expect(breaker().state).toBe('closed');
      expect(counters.failures).toBe(0);
      expect(counters.ignored).toBe(statuses.length * failureCount);
      expect(server.hits()).toBe(statuses.length * failureCount);
    });

    it('opens at once on one 429 with Retry-After and stays open at least that long', async () => {
      const { client, breaker, clock } = setup();
      expect(await statusOf(client, '/status/429?retry-after=30')).toBe(429);
      expect(breaker().state).toBe('open');

      const error = getBreakerOpenError(await rejection(client.request(server.url('/ok'))));
      expect(error?.retryAfterMs).toBe(30_000);
      await clock.advance(29_999);
      expect(isBreakerOpenError(await rejection(client.request(server.url('/ok'))))).toBe(true);
      expect(server.hits()).toBe(1);

      await clock.advance(1);
      expect(await statusOf(client, '/ok')).toBe(200);
      expect(breaker().state).toBe('closed');
      expect(server.hits('/ok')).toBe(1);
    });

    it('recovers through half-open: a failed probe re-opens, a good one closes', async () => {
      const { client, breaker, clock } = setup();
      await failWith(client, '/status/500', failureCount);
      await clock.advance(recoveryMs - 1);
      expect(isBreakerOpenError(await rejection(client.request(server.url('/ok'))))).toBe(true);

      await clock.advance(1);
      expect(await statusOf(client, '/status/500')).toBe(500);
      expect(breaker().state).toBe('open');
      await clock.advance(recoveryMs);
      expect(await statusOf(client, '/ok')).toBe(200);
      expect(breaker().state).toBe('closed');
      expect(breaker().snapshot().counters.transitions).toEqual({
        'closed->open': 1,
        'open->half_open': 2,
        'half_open->open': 1,
        'half_open->closed': 1,
      });
      expect(server.hits()).toBe(failureCount + 2);
    });

    it('lets exactly maxProbes requests reach the server when many run at once in half-open', async () => {
      const maxProbes = 2;
      const { client, breaker, clock } = setup({ breaker: { halfOpen: { maxProbes } } });
      await failWith(client, '/status/500', failureCount);
      await clock.advance(recoveryMs);

      const calls = Array.from({ length: 8 }, () =>
        client.request(server.url('/gate')).then(
          (response) => response.status,
          (error: unknown) => error,
        ),
      );
      await server.waitForHits('/gate', maxProbes);
      server.openGate();
      const results = await Promise.all(calls);

      expect(results.filter((result) => result === 200)).toHaveLength(maxProbes);
      const rejected = results.filter(isBreakerOpenError);
      expect(rejected).toHaveLength(8 - maxProbes);
      expect(rejected.map((error) => getBreakerOpenError(error)?.state)).toEqual(
        Array(8 - maxProbes).fill('half_open'),
      );
      expect(server.hits('/gate')).toBe(maxProbes);
      expect(breaker().state).toBe('closed');
    });

    it('releases the permit of a request aborted mid-flight and does not count it', async () => {
      const { client, breaker, clock } = setup();
      const first = new AbortController();
      const aborted = rejection(client.request(server.url('/hang'), { signal: first.signal }));
      await server.waitForHits('/hang', 1);
      first.abort();
      expect(isBreakerOpenError(await aborted)).toBe(false);
      expect(breaker().snapshot().counters.failures).toBe(0);

      // In half-open with one probe slot: the aborted probe must free the slot for the next.
      await failWith(client, '/status/500', failureCount);
      await clock.advance(recoveryMs);
      const second = new AbortController();
      const probe = rejection(client.request(server.url('/hang'), { signal: second.signal }));
      await server.waitForHits('/hang', 2);
      second.abort();
      expect(isBreakerOpenError(await probe)).toBe(false);
      expect(breaker().state).toBe('half_open');

      expect(await statusOf(client, '/ok')).toBe(200);
      expect(breaker().state).toBe('closed');
      expect(breaker().snapshot().counters.failures).toBe(failureCount);
    });

    it('counts a client timeout as a timeout failure', async () => {
      const { client, breaker } = setup();
      const error = await rejection(
        client.request(server.url('/hang'), { timeoutMs: clientTimeoutMs }),
      );
      expect(isBreakerOpenError(error)).toBe(false);
      const { counters } = breaker().snapshot();
      expect(counters.failures).toBe(1);
      expect(counters.failuresByCategory.timeout).toBe(1);
      expect(server.hits('/hang')).toBe(1);
    });

    it("counts the caller's AbortSignal.timeout() as a timeout failure, not a cancellation", async () => {
      const { client, breaker } = setup();
      for (let i = 1; i <= failureCount; i++) {
        // What `AbortSignal.timeout()` does when it fires, once the server has the request: the
        // reason is a DOMException named TimeoutError (a real timer would race the connection).
        const controller = new AbortController();
        const pending = rejection(
          client.request(server.url('/hang'), { signal: controller.signal }),
        );
        await server.waitForHits('/hang', i);
        controller.abort(
          new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
        );
        expect(isBreakerOpenError(await pending)).toBe(false);
      }
      const { counters } = breaker().snapshot();
      expect(counters).toMatchObject({
        failures: failureCount,
        timeouts: failureCount,
        released: 0,
      });
      expect(breaker().state).toBe('open');
      expect(isBreakerOpenError(await rejection(client.request(server.url('/hang'))))).toBe(true);
      expect(server.hits('/hang')).toBe(failureCount);
    });

    it('opens on HTTP 200 error bodies when a body rule says so, leaving the body to the caller', async () => {
      const { client, breaker } = setup({
        http: {
          bodyRules: [{ match: (status) => status === 200 }],
          classify: onBody(
            (body) =>
              Array.isArray((body as { error?: unknown })?.error) &&
              (body as { error: unknown[] }).error.length > 0,
            failure('server'),
          ),
        },
      });
      for (let i = 0; i < failureCount + 2; i++) {
        expect(await client.request(server.url('/ok'))).toEqual({
          status: 200,
          body: { ok: true },
        });
      }
      for (let i = 0; i < failureCount; i++) {
        expect(await client.request(server.url('/json-error'))).toEqual({
          status: 200,
          body: jsonErrorBody,
        });
      }
      expect(breaker().state).toBe('open');
      expect(breaker().snapshot().counters.failuresByCategory.server).toBe(failureCount);
      expect(isBreakerOpenError(await rejection(client.request(server.url('/ok'))))).toBe(true);
      expect(server.hits()).toBe(2 * failureCount + 2);
    });

    it('counts a connection reset as a network failure', async () => {
      const { client, breaker } = setup();
      for (let i = 0; i < failureCount; i++) {
        expect(isBreakerOpenError(await rejection(client.request(server.url('/reset'))))).toBe(
          false,
        );
      }
      expect(breaker().snapshot().counters.failuresByCategory.network).toBe(failureCount);
      expect(breaker().state).toBe('open');
      expect(isBreakerOpenError(await rejection(client.request(server.url('/reset'))))).toBe(true);
      expect(server.hits('/reset')).toBe(failureCount);
    });

    it('marks a failed POST as uncertainEffect, and a failed GET not', async () => {
      const { client, breaker } = setup();
      const uncertain: boolean[] = [];
      breaker().on('failure', (event) => uncertain.push(event.uncertainEffect));
      expect((await client.request(server.url('/status/500'), { method: 'POST' })).status).toBe(
        500,
      );
      expect(await statusOf(client, '/status/500')).toBe(500);
      expect(uncertain).toEqual([true, false]);
    });

    it('calls onResponse with every outcome and its call context', async () => {
      const seen: string[] = [];
      const { client } = setup({
        http: {
          onResponse(outcome, context) {
            const status =
              outcome.kind === 'response'
                ? outcome.status
                : (responseFromError(outcome.error)?.status ?? 'error');
            seen.push(`${status} ${context.method} ${context.key} ${context.idempotent}`);
          },
        },
      });
      await client.request(server.url('/ok'));
      await client.request(server.url('/status/404'));
      await client.request(server.url('/echo'), { method: 'POST' });
      await rejection(client.request(server.url('/reset')));
      const origin = server.origin;
      expect(seen).toEqual([
        `200 GET ${origin} true`,
        `404 GET ${origin} true`,
        `200 POST ${origin} false`,
        `error GET ${origin} true`,
      ]);
    });

    it("creates its breakers with the adapter's own breaker options, with no conflict", async () => {
      const conflicts: string[] = [];
      const { client, breaker, clock, registry } = setup({
        http: { strategy: { type: 'consecutive', failureCount: 1 }, openMs: 5_000 },
      });
      registry.on('conflict', ({ path }) => conflicts.push(path));
      expect(await statusOf(client, '/ok')).toBe(200);
      expect(await statusOf(client, '/status/500')).toBe(500);
      expect(breaker().state).toBe('open');
      await clock.advance(5_000 - 1);
      expect(isBreakerOpenError(await rejection(client.request(server.url('/ok'))))).toBe(true);
      await clock.advance(1);
      expect(await statusOf(client, '/ok')).toBe(200);
      expect(breaker().state).toBe('closed');
      expect(conflicts).toEqual([]);
      expect(server.hits()).toBe(3);
    });

    if (driver.supportsRequestOptions !== false) {
      it('honours per-request options: bypass and a key override', async () => {
        const { client, breaker, registry } = setup();
        await failWith(client, '/status/500', failureCount);
        expect(breaker().state).toBe('open');

        expect(
          (await client.request(server.url('/ok'), { breakwater: { bypass: true } })).status,
        ).toBe(200);
        const grouped = await client.request(server.url('/ok'), {
          breakwater: { key: 'group:ok' },
        });
        expect(grouped.status).toBe(200);
        expect(registry.peek('group:ok')?.snapshot().counters.successes).toBe(1);
        expect(server.hits('/ok')).toBe(2);
        expect(breaker().snapshot().counters.calls).toBe(failureCount);
      });
    }

    if (driver.supportsClientRetry) {
      it("makes each client retry one breaker call, and an open breaker stops the client's retries", async () => {
        const counting = setup({
          breaker: { strategy: { type: 'consecutive', failureCount: 5 } },
          client: { retryLimit: 2 },
        });
        expect(await statusOf(counting.client, '/status/503')).toBe(503);
        expect(server.hits('/status/503')).toBe(3);
        const counted = counting.breaker().snapshot().counters;
        expect([counted.calls, counted.failures]).toEqual([3, 3]);

        const stopping = setup({
          breaker: { strategy: { type: 'consecutive', failureCount: 2 } },
          client: { retryLimit: 4 },
        });
        const error = await rejection(stopping.client.request(server.url('/status/502')));
        expect(isBreakerOpenError(error)).toBe(true);
        expect(server.hits('/status/502')).toBe(2);
        const stopped = stopping.breaker().snapshot().counters;
        expect([stopped.calls, stopped.failures, stopped.rejected]).toEqual([2, 2, 1]);
      });
    }
  });
}

/** The reason `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}
