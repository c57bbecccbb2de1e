import { constantBackoff } from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import { clients, next, record, useWorld } from './helpers.ts';

describe.each(clients)('the outgoing queue with %s', (client) => {
  const world = useWorld();

  it('runs the resubscribe hook on every connection, then flushes the queue in order', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(1_000) },
      resubscribe: ({ send, reason }) => {
        send(`subscribe:${reason}`);
      },
    });
    expect(guard.send('early')).toBe(true);
    await server.nextMessage((m) => m.data === 'early');
    server.dropAll();
    await next(guard, 'reconnecting');
    guard.send('a');
    guard.send('b');
    expect(guard.queued).toBe(2);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    guard.send('c');
    await server.nextMessage((m) => m.data === 'c');
    expect(server.messages.map((m) => `${m.connection}:${m.data}`)).toEqual([
      '0:subscribe:initial',
      '0:early',
      '1:subscribe:reconnect',
      '1:a',
      '1:b',
      '1:c',
    ]);
  });

  it('waits for an async resubscribe hook before flushing', async () => {
    const { server } = world;
    let release = () => {};
    const acked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const guard = world.guard(client, {
      resubscribe: async ({ send }) => {
        send('subscribe');
        await acked;
        send('subscribed');
      },
    });
    guard.send('queued');
    await server.nextMessage((m) => m.data === 'subscribe');
    expect(guard.state).toBe('connecting');
    const opened = next(guard, 'open');
    release();
    await opened;
    await server.nextMessage((m) => m.data === 'queued');
    expect(server.messages.map((m) => m.data)).toEqual(['subscribe', 'subscribed', 'queued']);
  });

  it('drops the newest message when full by default, with a drop event', async () => {
    const { server } = world;
    server.refuseUpgrades(503);
    const guard = world.guard(client, { queue: { maxSize: 2 } });
    const drops = record(guard, 'drop');
    expect([guard.send('1'), guard.send('2'), guard.send('3')]).toEqual([true, true, false]);
    expect(drops).toEqual([{ name: guard.name, data: '3', reason: 'overflow', queued: 2 }]);
  });

  it('drops the oldest message with dropPolicy oldest, and flushes the rest in order', async () => {
    const { server, clock } = world;
    server.refuseUpgrades(503, { times: 1 });
    const guard = world.guard(client, {
      queue: { maxSize: 2, dropPolicy: 'oldest' },
      reconnect: { backoff: constantBackoff(1_000) },
    });
    const drops = record(guard, 'drop');
    await next(guard, 'close');
    expect([guard.send('1'), guard.send('2'), guard.send('3')]).toEqual([true, true, true]);
    expect(drops.map((drop) => drop.data)).toEqual(['1']);
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    await server.nextMessage((m) => m.data === '3');
    expect(server.messages.map((m) => m.data)).toEqual(['2', '3']);
  });

  it('drops queued messages on close() and refuses sends afterwards', async () => {
    const { server } = world;
    server.refuseUpgrades(503);
    const guard = world.guard(client);
    const drops = record(guard, 'drop');
    guard.send('pending');
    await guard.close();
    expect(drops.map((drop) => [drop.data, drop.reason])).toEqual([['pending', 'closed']]);
    expect(guard.send('late')).toBe(false);
  });
});
