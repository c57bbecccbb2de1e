import { CircuitBreaker, ManualClock, pipeline, TimeoutError, timeout } from '@breakwater/core';
import { hang } from '@breakwater/msw';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  api,
  healthy,
  isPending,
  nextTurn,
  settle,
  statusOf,
  untilTimers,
  useMockServer,
} from '../support/mockServer.ts';

const server = useMockServer(healthy);

describe('hang', () => {
  it('never answers until the client aborts', async () => {
    server.use(http.get(`${api}/ticker`, hang()));
    const controller = new AbortController();
    const pending = statusOf('/ticker', { signal: controller.signal });
    expect(await isPending(pending)).toBe(true);
    controller.abort();
    expect(await pending).toBe('AbortError');
  });

  it("ends when a breaker's deadline passes on its ManualClock, as a timeout failure", async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    const failures: string[] = [];
    breaker.on('failure', ({ category }) => failures.push(category));
    server.use(http.get(`${api}/ticker`, hang()));
    const call = pipeline(breaker, timeout(1_000, { clock })).execute((signal) =>
      fetch(`${api}/ticker`, { signal }),
    );
    await untilTimers(clock, 1);
    await clock.advance(1_000);
    const result = await settle(call);
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TimeoutError);
    expect(failures).toEqual(['timeout']);
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(clock.pendingTimers).toBe(0);
    breaker.dispose();
  });

  it('lets other routes answer while one hangs', async () => {
    server.use(http.get(`${api}/slow`, hang()));
    const controller = new AbortController();
    const pending = statusOf('/slow', { signal: controller.signal });
    expect(await statusOf('/fast')).toBe(200);
    controller.abort();
    expect(await pending).toBe('AbortError');
  });
});
