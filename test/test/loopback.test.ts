import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  jsonErrorBody,
  type LoopbackServer,
  startLoopbackServer,
} from '../src/servers/loopback.ts';

let server: LoopbackServer;

beforeEach(async () => {
  server = await startLoopbackServer();
});

afterEach(async () => {
  await server.close();
});

describe('the loopback server', () => {
  it('answers its routes and counts the requests of each, without the query', async () => {
    const limited = await fetch(server.url('/status/429?retry-after=30'));
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '30']);
    expect(await limited.json()).toEqual({ status: 429 });
    expect(await (await fetch(server.url('/json-error'))).json()).toEqual(jsonErrorBody);
    expect((await fetch(server.url('/nowhere'))).status).toBe(404);
    expect([server.hits('/status/429'), server.hits('/json-error'), server.hits()]).toEqual([
      1, 1, 3,
    ]);
  });

  it('holds /gate until it opens, and signals the hits it waits for', async () => {
    const held = fetch(server.url('/gate'));
    await server.waitForHits('/gate', 1);
    server.openGate();
    expect((await held).status).toBe(200);
    expect((await fetch(server.url('/gate'))).status).toBe(200);
  });

  it('resets the connection on /reset and ends hanging requests when it closes', async () => {
    await expect(fetch(server.url('/reset'))).rejects.toThrow('fetch failed');
    const hanging = fetch(server.url('/hang')).catch((error: unknown) => error);
    await server.waitForHits('/hang', 1);
    await server.close();
    expect(await hanging).toBeInstanceOf(TypeError);
    server = await startLoopbackServer();
  });

  it('echoes the method, headers and body', async () => {
    const res = await fetch(server.url('/echo'), {
      method: 'POST',
      headers: { 'x-a': '1' },
      body: 'hi',
    });
    const echo = (await res.json()) as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect([echo.method, echo.headers['x-a'], echo.body]).toEqual(['POST', '1', 'hi']);
  });
});
