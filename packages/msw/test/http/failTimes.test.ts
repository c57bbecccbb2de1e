import { isBreakwaterConfigError } from '@breakwater/core';
import { connectionError, failTimes, statusStorm } from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, statusOf, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

describe('failTimes', () => {
  it('fails the first requests, then lets the rest through to the next handler', async () => {
    server.use(http.get(`${api}/ticker`, failTimes(3)));
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await statusOf('/ticker'));
    expect(statuses).toEqual([500, 500, 500, 200, 200]);
  });

  it('fails with the fault given in `with` and recovers with `after`', async () => {
    const recovered = () => HttpResponse.json({ recovered: true });
    server.use(
      http.get(`${api}/ticker`, failTimes(2, { with: statusStorm(503), after: recovered })),
    );
    expect(await statusOf('/ticker')).toBe(503);
    expect(await statusOf('/ticker')).toBe(503);
    const response = await fetch(`${api}/ticker`);
    expect(await response.json()).toEqual({ recovered: true });
  });

  it('makes fetch throw with a connection error', async () => {
    server.use(http.get(`${api}/ticker`, failTimes(1, { with: connectionError() })));
    expect(await statusOf('/ticker')).toBe('TypeError');
    expect(await statusOf('/ticker')).toBe(200);
  });

  it('counts the requests of every handler that shares it', async () => {
    const shared = failTimes(2);
    server.use(http.get(`${api}/a`, shared), http.get(`${api}/b`, shared));
    expect([await statusOf('/a'), await statusOf('/b'), await statusOf('/a')]).toEqual([
      500, 500, 200,
    ]);
  });

  it('never recovers with Infinity and fails nothing with 0', async () => {
    server.use(http.get(`${api}/down`, failTimes(Infinity)), http.get(`${api}/up`, failTimes(0)));
    expect(await statusOf('/down')).toBe(500);
    expect(await statusOf('/down')).toBe(500);
    expect(await statusOf('/up')).toBe(200);
  });

  it('rejects a bad count and unknown options, naming them', () => {
    expect(() => failTimes(-1)).toThrow('Invalid option `count`');
    expect(() => failTimes(1.5)).toThrow('Invalid option `count`');
    expect(() => failTimes(1, { whith: connectionError() } as never)).toThrow(
      'Unknown option `whith` (did you mean `with`?)',
    );
    let error: unknown;
    try {
      failTimes(1, { with: 503 as never });
    } catch (caught) {
      error = caught;
    }
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Invalid option `with`: expected a function, received 503.',
    );
  });
});
