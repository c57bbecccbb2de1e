import { ManualClock } from '@breakwater/core';
import { connectionError, latency, sequence, statusStorm } from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, statusOf, untilTimers, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

async function statuses(count: number): Promise<(number | string)[]> {
  const seen = [];
  for (let i = 0; i < count; i++) seen.push(await statusOf('/ticker'));
  return seen;
}

describe('sequence', () => {
  it('plays each step for its number of requests, then falls through', async () => {
    server.use(
      http.get(
        `${api}/ticker`,
        sequence([{ fault: statusStorm(503), times: 2 }, connectionError(), statusStorm(429)]),
      ),
    );
    expect(await statuses(6)).toEqual([503, 503, 'TypeError', 429, 200, 200]);
  });

  it('answers with `after` once the last step is done', async () => {
    const after = () => HttpResponse.text('recovered', { status: 201 });
    server.use(http.get(`${api}/ticker`, sequence([statusStorm(500)], { after })));
    expect(await statuses(3)).toEqual([500, 201, 201]);
  });

  it('starts over with `loop`', async () => {
    const steps = [statusStorm(500), { fault: statusStorm(502), times: 2 }];
    server.use(http.get(`${api}/ticker`, sequence(steps, { loop: true })));
    expect(await statuses(6)).toEqual([500, 502, 502, 500, 502, 502]);
  });

  it('uses up a request on a step that lets it through, such as latency', async () => {
    const clock = new ManualClock();
    server.use(
      http.get(
        `${api}/ticker`,
        sequence([{ fault: latency(1_000, { clock }), times: 1 }, statusStorm(503)]),
      ),
    );
    const slow = statusOf('/ticker');
    await untilTimers(clock, 1);
    await clock.advance(1_000);
    expect(await slow).toBe(200);
    expect(await statuses(2)).toEqual([503, 200]);
  });

  it('skips steps of zero requests', async () => {
    server.use(
      http.get(
        `${api}/ticker`,
        sequence([{ fault: statusStorm(500), times: 0 }, statusStorm(502)]),
      ),
    );
    expect(await statuses(2)).toEqual([502, 200]);
  });

  it('rejects empty and malformed steps', () => {
    expect(() => sequence([])).toThrow('Invalid option `steps`');
    expect(() => sequence([{ fault: statusStorm(500), times: -1 }])).toThrow(
      'Invalid option `steps[0].times`',
    );
    expect(() => sequence([{ times: 1 } as never])).toThrow('Invalid option `steps[0].fault`');
    expect(() => sequence([{ fault: statusStorm(500), times: 0 }], { loop: true })).toThrow(
      'Invalid option `steps`',
    );
    expect(() => sequence([statusStorm(500)], { loop: 'yes' as never })).toThrow(
      'Invalid option `loop`',
    );
  });
});
