import { CircuitBreaker, failure, onBody } from '@breakwater/core';
import { errorBody } from '@breakwater/msw';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

describe('errorBody', () => {
  it('answers HTTP 200 with the error in the JSON body', async () => {
    server.use(http.get(`${api}/ticker`, errorBody({ error: ['EService:Unavailable'] })));
    const response = await fetch(`${api}/ticker`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ error: ['EService:Unavailable'] });
  });

  it('uses the status and headers given', async () => {
    const body = { retCode: 10006, retMsg: 'Too many visits!' };
    server.use(
      http.get(`${api}/ticker`, errorBody(body, { status: 403, headers: { 'x-a': 'b' } })),
    );
    const response = await fetch(`${api}/ticker`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-a')).toBe('b');
  });

  it('counts as a failure for a breaker with a body rule', async () => {
    const breaker = new CircuitBreaker({
      strategy: { type: 'consecutive', failureCount: 1 },
      classify: [
        onBody(
          (body) => Array.isArray((body as { error?: unknown }).error),
          failure('maintenance'),
        ),
      ],
    });
    const categories: string[] = [];
    breaker.on('failure', ({ category }) => categories.push(category));
    server.use(http.get(`${api}/ticker`, errorBody({ error: ['EService:Unavailable'] })));
    await expect(
      breaker.execute(async () => {
        const response = await fetch(`${api}/ticker`);
        const body = (await response.json()) as { error: string[] };
        if (body.error.length > 0) {
          throw Object.assign(new Error(body.error[0]), { response: { status: 200, body } });
        }
      }),
    ).rejects.toThrow('EService:Unavailable');
    expect(categories).toEqual(['maintenance']);
    expect(breaker.state).toBe('open');
    breaker.dispose();
  });

  it('rejects an impossible status', () => {
    expect(() => errorBody({}, { status: 99 })).toThrow('Invalid option `status`');
  });
});
