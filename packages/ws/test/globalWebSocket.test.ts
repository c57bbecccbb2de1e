import { constantBackoff, isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import { guardWebSocket, type ResilientWebSocket } from '@breakwater/ws';
import { createFaultyWsServer, type FaultyWsServer } from '@breakwater/ws/testing';
import { type WebSocketHandlerConnection, ws } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { next } from './helpers.ts';

// MSW mocks WebSockets by replacing `globalThis.WebSocket` in `server.listen()` and putting the
// original back in `server.close()`: a guard given a URL must look the global up per attempt.
describe('guardWebSocket(url) and the global WebSocket', () => {
  let real: FaultyWsServer;
  let mock: SetupServer;
  let mocked: WebSocketHandlerConnection['client'][];
  let guard: ResilientWebSocket | undefined;
  let listening = false;
  const clock = new ManualClock();
  const listen = () => {
    mock.listen({ onUnhandledFrame: 'error' });
    listening = true;
  };
  const stopMocking = () => {
    if (listening) mock.close();
    listening = false;
  };

  beforeEach(async () => {
    real = await createFaultyWsServer();
    mocked = [];
    const link = ws.link(real.url);
    mock = setupServer(
      link.addEventListener('connection', ({ client }) => {
        mocked.push(client);
        client.send('from the mock');
      }),
    );
  });

  afterEach(async () => {
    await guard?.close();
    guard = undefined;
    stopMocking();
    await real.close();
  });

  it("connects through MSW's WebSocket when created before server.listen()", async () => {
    guard = guardWebSocket(real.url, { clock });
    listen();
    const message = next(guard, 'message');
    await next(guard, 'open');
    expect(real.attempts).toBe(0);
    expect(mocked).toHaveLength(1);
    expect(await message).toBe('from the mock');
  });

  it('reports an attempt made while there is no global WebSocket, and tries again', async () => {
    const original = globalThis.WebSocket;
    guard = guardWebSocket(real.url, { clock, reconnect: { backoff: constantBackoff(1_000) } });
    const closed = next(guard, 'close');
    const failed = next(guard, 'error');
    Reflect.deleteProperty(globalThis, 'WebSocket');
    try {
      expect(await failed).toMatchObject({ phase: 'connect' });
      expect(isBreakwaterConfigError((await failed).error)).toBe(true);
      expect(await closed).toMatchObject({ cause: 'factory', willReconnect: true });
    } finally {
      globalThis.WebSocket = original;
    }
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(real.attempts).toBe(1);
  });

  it('reaches the real server again once MSW is closed', async () => {
    listen();
    guard = guardWebSocket(real.url, { clock, reconnect: { backoff: constantBackoff(1_000) } });
    await next(guard, 'open');
    expect(mocked).toHaveLength(1);
    stopMocking();
    const closed = next(guard, 'close');
    mocked[0]!.close(1012, 'restart');
    expect(await closed).toMatchObject({ code: 1012, willReconnect: true });
    const reopened = next(guard, 'open');
    await clock.advance(1_000);
    await reopened;
    expect(real.attempts).toBe(1);
    expect(mocked).toHaveLength(1);
  });
});
