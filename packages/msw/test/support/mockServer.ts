import type { ManualClock } from '@breakwater/core';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The API every HTTP test talks to; nothing here reaches the network. */
export const api = 'https://api.example.test';

/** The healthy route every fault falls through to. */
export const healthy = http.all(`${api}/*`, () => HttpResponse.json({ ok: true }));

/** Starts an MSW server for the file: unhandled requests fail the test, handlers reset each test. */
export function useMockServer(...handlers: RequestHandler[]): SetupServer {
  const server = setupServer(...handlers);
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Lets the event loop run once: mocked sockets move on it. Not a wait for time. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Lets the event loop run until `clock` has `count` pending timers, so a test advances time only
 * once the request has reached the fault that waits on it. Fails after 1000 turns.
 */
export async function untilTimers(clock: ManualClock, count: number): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    if (clock.pendingTimers === count) return;
    await nextTurn();
  }
  throw new Error(`expected ${count} pending timers, have ${clock.pendingTimers}`);
}

/** Runs until `promise` settles (mocked I/O only), failing after 1000 event-loop turns. */
export async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | undefined;
  promise.then(
    (value) => {
      result = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      result = { status: 'rejected', reason };
    },
  );
  for (let turn = 0; turn < 1000 && result === undefined; turn++) await nextTurn();
  if (result === undefined) throw new Error('the promise did not settle');
  return result;
}

/** True when `promise` is still pending after the event loop has run a few times. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let turn = 0; turn < 20; turn++) await nextTurn();
  return !done;
}

/** Status of a GET to `path` on the test API, or the name of the error fetch threw. */
export async function statusOf(path: string, init?: RequestInit): Promise<number | string> {
  try {
    const response = await fetch(`${api}${path}`, init);
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return (error as Error).name;
  }
}
