import { constantBackoff } from '@breakwater/core';
import type { GuardOptions, MessageData } from '@breakwater/ws';
import { describe, expect, it } from 'vitest';
import { type Client, clients, next, record, until, useWorld } from './helpers.ts';

const boom = new Error('boom');
const throwBoom = (): never => {
  throw boom;
};

describe.each(clients)('a callback that throws, with %s', (client) => {
  const world = useWorld();

  /** Waits for the reconnect after a callback error, then checks the guard is open again. */
  async function reconnects(client: Client, options: GuardOptions, trigger: () => Promise<void>) {
    const { server, clock } = world;
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(1_000) },
      ...options,
    });
    const errors = record(guard, 'error');
    await next(guard, 'open');
    const closed = next(guard, 'close');
    await trigger();
    expect(await closed).toMatchObject({
      cause: 'callback',
      code: 1006,
      error: boom,
      willReconnect: true,
    });
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    expect(await opened).toMatchObject({ reason: 'reconnect' });
    expect(server.attempts).toBe(2);
    return errors;
  }

  it('reports a throwing heartbeat.isPong as an error and reconnects', async () => {
    const { server } = world;
    const heartbeat = { intervalMs: 10_000, message: 'ping', isPong: throwBoom };
    const errors = await reconnects(client, { heartbeat }, async () => {
      server.broadcast('hello');
    });
    expect(errors).toEqual([{ name: 'websocket', phase: 'heartbeat', error: boom }]);
  });

  it('reports a throwing heartbeat.message as an error and reconnects', async () => {
    const { clock } = world;
    const heartbeat = { intervalMs: 10_000, message: throwBoom };
    const errors = await reconnects(client, { heartbeat }, () => clock.advance(10_000));
    expect(errors).toEqual([{ name: 'websocket', phase: 'heartbeat', error: boom }]);
  });

  it('reports a throwing resubscribe hook as an error and reconnects', async () => {
    const { server, clock } = world;
    let calls = 0;
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(1_000) },
      resubscribe: () => {
        if (++calls === 1) throw boom;
      },
    });
    const errors = record(guard, 'error');
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'resubscribe', error: boom, willReconnect: true });
    expect(errors).toEqual([{ name: 'websocket', phase: 'resubscribe', error: boom }]);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('reports a factory that returns no WebSocket as an error and tries again', async () => {
    const { server, clock } = world;
    let calls = 0;
    const guard = world.guard(
      {
        ...client,
        connect: (url) => (context) =>
          ++calls === 1 ? (undefined as never) : client.connect(url)(context),
      },
      { reconnect: { backoff: constantBackoff(1_000) } },
    );
    const errors = record(guard, 'error');
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'factory', willReconnect: true });
    expect(errors).toMatchObject([{ phase: 'connect', error: expect.any(TypeError) }]);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(1);
  });

  /** What a hook may return now that its result is `unknown`: a thenable that throws on `then`. */
  const trap = (): object =>
    Object.defineProperty({}, 'then', {
      get: throwBoom,
    });

  it('reports a resubscribe result whose `then` throws as an error, and reconnects', async () => {
    const { server, clock } = world;
    let calls = 0;
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(1_000) },
      resubscribe: () => (++calls === 1 ? trap() : undefined),
    });
    const errors = record(guard, 'error');
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'resubscribe', error: boom, willReconnect: true });
    expect(errors).toEqual([{ name: 'websocket', phase: 'resubscribe', error: boom }]);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('reports a factory result whose `then` throws as an error, and tries again', async () => {
    const { server, clock } = world;
    let calls = 0;
    const guard = world.guard(
      {
        ...client,
        connect: (url) => (context) =>
          ++calls === 1 ? (trap() as never) : client.connect(url)(context),
      },
      { reconnect: { backoff: constantBackoff(1_000) } },
    );
    const errors = record(guard, 'error');
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'factory', error: boom, willReconnect: true });
    expect(errors).toEqual([{ name: 'websocket', phase: 'connect', error: boom }]);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(1);
  });

  describe('rotation.messageId', () => {
    /** `{"seq":n}` frames; throws on anything else, as `JSON.parse` does. */
    const strictSeq = (data: MessageData): number =>
      (JSON.parse(String(data)) as { seq: number }).seq;

    /** Rotation options, and a promise for the next replacement socket to open on the client. */
    function rotating(): { options: GuardOptions; replacementOpen: () => Promise<void> } {
      let opened = () => {};
      return {
        options: {
          minUptimeMs: 1_000,
          rotation: { maxLifetimeMs: 60_000, overlapMs: 5_000, messageId: strictSeq },
          reconnect: { backoff: constantBackoff(2_000) },
          resubscribe: ({ reason }) => {
            if (reason === 'rotation') opened();
          },
        },
        replacementOpen: () =>
          new Promise<void>((resolve) => {
            opened = resolve;
          }),
      };
    }

    it('ends the replacement on whose frame it threw, keeps the old one, and retries', async () => {
      const { server, clock } = world;
      const { options, replacementOpen } = rotating();
      const guard = world.guard(client, options);
      const errors = record(guard, 'error');
      const messages = record(guard, 'message');
      await next(guard, 'open');
      let open = replacementOpen();
      const closed = next(guard, 'close');
      await clock.advance(60_000);
      await open;
      server.connections[1]!.send('not json');
      expect(await closed).toMatchObject({
        cause: 'callback',
        error: expect.any(SyntaxError),
        willReconnect: true,
      });
      expect(errors).toMatchObject([{ phase: 'rotation', error: expect.any(SyntaxError) }]);
      expect(guard.state).toBe('open');
      server.connections[0]!.send(JSON.stringify({ seq: 1 }));
      await until(guard, 'message', () => messages.length === 1);

      open = replacementOpen();
      await clock.advance(2_000);
      await open;
      const rotated = next(guard, 'close', (close) => close.cause === 'rotated');
      const opened = next(guard, 'open');
      await clock.advance(5_000);
      await rotated;
      expect(await opened).toMatchObject({ reason: 'rotation' });
      expect(server.attempts).toBe(3);
      expect(guard.state).toBe('open');
    });

    it('ends the old connection on whose frame it threw, and lets the replacement take over', async () => {
      const { server, clock } = world;
      const { options, replacementOpen } = rotating();
      const guard = world.guard(client, options);
      const errors = record(guard, 'error');
      await next(guard, 'open');
      const open = replacementOpen();
      await clock.advance(60_000);
      await open;
      const closed = next(guard, 'close');
      server.connections[0]!.send('not json');
      expect(await closed).toMatchObject({ cause: 'callback', willReconnect: true });
      expect(errors).toMatchObject([{ phase: 'rotation', error: expect.any(SyntaxError) }]);
      expect(guard.state).toBe('open');
      const message = next(guard, 'message');
      server.connections[1]!.send(JSON.stringify({ seq: 7 }));
      expect(await message).toBe('{"seq":7}');
      expect(server.attempts).toBe(2);
    });
  });
});
