import { ManualClock } from '@breakwater/core';
import { connectionError, failRandomly } from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, statusOf, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

async function pattern(count: number, path = '/ticker'): Promise<(number | string)[]> {
  const statuses = [];
  for (let i = 0; i < count; i++) statuses.push(await statusOf(path));
  return statuses;
}

describe('failRandomly', () => {
  it('fails the same requests on every run with the same seed', async () => {
    server.use(http.get(`${api}/ticker`, failRandomly(0.5, { seed: 42 })));
    const first = await pattern(40);
    server.resetHandlers();
    server.use(http.get(`${api}/ticker`, failRandomly(0.5, { seed: 42 })));
    expect(await pattern(40)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('fails about the given share of requests', async () => {
    server.use(http.get(`${api}/ticker`, failRandomly(0.25, { seed: 7 })));
    const failures = (await pattern(200)).filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(70);
  });

  it('draws from the clock when given one, so a seeded ManualClock seeds it', async () => {
    server.use(
      http.get(`${api}/ticker`, failRandomly(0.5, { clock: new ManualClock({ seed: 9 }) })),
    );
    const first = await pattern(30);
    server.resetHandlers();
    server.use(
      http.get(`${api}/ticker`, failRandomly(0.5, { clock: new ManualClock({ seed: 9 }) })),
    );
    expect(await pattern(30)).toEqual(first);
  });

  it('uses a random function, the failure given in `with` and `otherwise`', async () => {
    const draws = [0.1, 0.9, 0.1];
    const fault = failRandomly(0.5, {
      random: () => draws.shift() ?? 0.9,
      with: connectionError(),
      otherwise: () => HttpResponse.text('fine', { status: 202 }),
    });
    server.use(http.get(`${api}/ticker`, fault));
    expect(await pattern(4)).toEqual(['TypeError', 202, 'TypeError', 202]);
  });

  it('never fails at 0 and always fails at 1', async () => {
    server.use(
      http.get(`${api}/never`, failRandomly(0)),
      http.get(`${api}/always`, failRandomly(1)),
    );
    expect(await pattern(5, '/never')).toEqual([200, 200, 200, 200, 200]);
    expect(await pattern(5, '/always')).toEqual([500, 500, 500, 500, 500]);
  });

  it('rejects a probability outside [0, 1] and a seed next to a random function', () => {
    expect(() => failRandomly(1.5)).toThrow('Invalid option `probability`');
    expect(() => failRandomly(0.5, { seed: 1, random: Math.random })).toThrow(
      'Invalid option `seed`',
    );
    expect(() => failRandomly(0.5, { seed: -1 })).toThrow('Invalid option `seed`');
    expect(() => failRandomly(0.5, { clock: {} as never })).toThrow('Invalid option `clock`');
  });
});
