import { ManualClock } from '@breakwater/core';
import { latency } from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  api,
  healthy,
  isPending,
  settle,
  statusOf,
  untilTimers,
  useMockServer,
} from '../support/mockServer.ts';

const server = useMockServer(healthy);

/** Starts a GET; resolves with the ManualClock time at which its response arrived. */
function timedGet(clock: ManualClock): Promise<number> {
  return fetch(`${api}/ticker`).then(() => clock.monotonic());
}

describe('latency', () => {
  it('holds the response until the clock has moved by the delay, then falls through', async () => {
    const clock = new ManualClock();
    server.use(http.get(`${api}/ticker`, latency(2_000, { clock })));
    const pending = fetch(`${api}/ticker`);
    await untilTimers(clock, 1);
    await clock.advance(1_999);
    expect(await isPending(pending)).toBe(true);
    await clock.advance(1);
    const result = await settle(pending);
    expect(result.status).toBe('fulfilled');
    expect(await (result as PromiseFulfilledResult<Response>).value.json()).toEqual({ ok: true });
  });

  it('answers with `after` once the wait is over', async () => {
    const clock = new ManualClock();
    const after = () => HttpResponse.text('late', { status: 504 });
    server.use(http.get(`${api}/ticker`, latency(100, { clock, after })));
    const pending = statusOf('/ticker');
    await untilTimers(clock, 1);
    await clock.advance(100);
    expect(await pending).toBe(504);
  });

  it('uses a list of delays in turn', async () => {
    const clock = new ManualClock();
    const answeredAt: number[] = [];
    const after = () => {
      answeredAt.push(clock.monotonic());
      return undefined;
    };
    server.use(http.get(`${api}/ticker`, latency([10, 3_000], { clock, after })));
    const waits = [];
    for (let i = 0; i < 3; i++) {
      const started = clock.monotonic();
      const pending = fetch(`${api}/ticker`);
      await untilTimers(clock, 1);
      await clock.advance(5_000);
      await pending;
      waits.push(answeredAt.at(-1)! - started);
    }
    expect(waits).toEqual([10, 3_000, 10]);
  });

  it('draws a uniform delay from a seeded sequence', async () => {
    const delays = async (seed: number) => {
      const clock = new ManualClock();
      server.resetHandlers();
      server.use(http.get(`${api}/ticker`, latency({ minMs: 50, maxMs: 500 }, { clock, seed })));
      const measured = [];
      for (let i = 0; i < 5; i++) {
        const started = clock.monotonic();
        const pending = timedGet(clock);
        await untilTimers(clock, 1);
        for (let step = 0; step < 500 && clock.pendingTimers > 0; step++) await clock.advance(1);
        measured.push((await pending) - started);
      }
      return measured;
    };
    const first = await delays(3);
    expect(await delays(3)).toEqual(first);
    for (const ms of first) {
      expect(ms).toBeGreaterThanOrEqual(50);
      expect(ms).toBeLessThanOrEqual(500);
    }
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('ends the wait when the client aborts, leaving no timer behind', async () => {
    const clock = new ManualClock();
    server.use(http.get(`${api}/ticker`, latency(10_000, { clock })));
    const controller = new AbortController();
    const pending = statusOf('/ticker', { signal: controller.signal });
    await untilTimers(clock, 1);
    controller.abort();
    expect(await pending).toBe('AbortError');
    await untilTimers(clock, 0);
  });

  it('rejects negative, empty and malformed delays', () => {
    expect(() => latency(-1)).toThrow('Invalid option `ms`');
    expect(() => latency([])).toThrow('Invalid option `ms`');
    expect(() => latency([10, Number.NaN])).toThrow('Invalid option `ms[1]`');
    expect(() => latency({ minMs: 100, maxMs: 10 })).toThrow('Invalid option `ms.maxMs`');
    expect(() => latency({ min: 1, max: 2 } as never)).toThrow(
      'Unknown option `ms.min` (did you mean `minMs`?)',
    );
    expect(() => latency(10, { delay: 1 } as never)).toThrow('Unknown option `delay`');
  });
});
