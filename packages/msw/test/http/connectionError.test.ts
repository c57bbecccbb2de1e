import { type Category, CircuitBreaker } from '@breakwater/core';
import { connectionError } from '@breakwater/msw';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

describe('connectionError', () => {
  it('makes native fetch reject with TypeError: fetch failed', async () => {
    server.use(http.get(`${api}/ticker`, connectionError()));
    await expect(fetch(`${api}/ticker`)).rejects.toThrow(
      expect.objectContaining({ name: 'TypeError', message: 'fetch failed' }),
    );
  });

  it('is a network failure for the breaker', async () => {
    const breaker = new CircuitBreaker({ strategy: { type: 'consecutive', failureCount: 2 } });
    const categories: Category[] = [];
    breaker.on('failure', ({ category }) => categories.push(category));
    server.use(http.get(`${api}/ticker`, connectionError()));
    for (let i = 0; i < 2; i++) {
      await expect(breaker.execute(() => fetch(`${api}/ticker`))).rejects.toThrow('fetch failed');
    }
    expect(categories).toEqual(['network', 'network']);
    expect(breaker.state).toBe('open');
    breaker.dispose();
  });
});
