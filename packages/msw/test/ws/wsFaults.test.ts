import { ManualClock } from '@breakwater/core';
import { wsFaults } from '@breakwater/msw';
import { ws } from 'msw';
import { describe, expect, it } from 'vitest';
import { nextTurn, useMockServer } from '../support/mockServer.ts';

const url = 'wss://stream.example.test/v1';
const feed = ws.link(url);
const server = useMockServer();

interface Connection {
  readonly socket: WebSocket;
  readonly messages: string[];
  close: CloseEvent | undefined;
}

/** Opens a standard WebSocket and waits (on the event loop, not time) for it to open. */
async function connect(): Promise<Connection> {
  const socket = new WebSocket(url);
  const connection: Connection = { socket, messages: [], close: undefined };
  socket.addEventListener('message', (event) => connection.messages.push(String(event.data)));
  socket.addEventListener('close', (event) => {
    connection.close = event;
  });
  await until(() => socket.readyState !== WebSocket.CONNECTING);
  return connection;
}

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error('condition not met after 1000 event-loop turns');
}

async function turns(count = 20): Promise<void> {
  for (let turn = 0; turn < count; turn++) await nextTurn();
}

describe('wsFaults', () => {
  it('drops the connection after N messages with an abnormal closure', async () => {
    server.use(
      wsFaults(feed, { dropAfterMessages: 3 }, ({ client }) => {
        for (let i = 1; i <= 5; i++) client.send(`tick ${i}`);
      }),
    );
    const connection = await connect();
    await until(() => connection.close !== undefined);
    expect(connection.messages).toEqual(['tick 1', 'tick 2', 'tick 3']);
    expect(connection.close?.code).toBe(1006);
  });

  it('delivers exactly N messages sent one at a time after the connection event', async () => {
    const clock = new ManualClock();
    server.use(
      wsFaults(feed, { dropAfterMessages: 3, clock }, ({ client }) => {
        let tick = 0;
        const next = () => {
          client.send(`tick ${++tick}`);
          clock.setTimeout(next, 100);
        };
        clock.setTimeout(next, 100);
      }),
    );
    const connection = await connect();
    for (let i = 1; i <= 5 && connection.close === undefined; i++) {
      await clock.advance(100);
      await until(() => connection.messages.length === i || connection.close !== undefined);
    }
    await until(() => connection.close !== undefined);
    expect(connection.messages).toEqual(['tick 1', 'tick 2', 'tick 3']);
    expect(connection.close?.code).toBe(1006);
  });

  it('delivers exactly N messages of a burst sent in reply to a subscribe', async () => {
    server.use(
      wsFaults(feed, { dropAfterMessages: 3, close: { code: 1012 } }, ({ client }) => {
        client.addEventListener('message', (event) => {
          if (event.data !== 'subscribe') return;
          for (let i = 1; i <= 5; i++) client.send(`update ${i}`);
        });
      }),
    );
    const connection = await connect();
    connection.socket.send('subscribe');
    await until(() => connection.close !== undefined);
    expect(connection.messages).toEqual(['update 1', 'update 2', 'update 3']);
    expect(connection.close?.code).toBe(1012);
  });

  it('counts delayed messages when they arrive, and delivers the Nth', async () => {
    const clock = new ManualClock();
    server.use(
      wsFaults(feed, { dropAfterMessages: 2, delayMs: 50, clock }, ({ client }) => {
        client.addEventListener('message', () => {
          for (let i = 1; i <= 3; i++) client.send(`late ${i}`);
        });
      }),
    );
    const connection = await connect();
    connection.socket.send('go');
    await until(() => clock.pendingTimers === 3);
    await clock.advance(50);
    await until(() => connection.close !== undefined);
    expect(connection.messages).toEqual(['late 1', 'late 2']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('drops the connection T ms after it opened, on the ManualClock', async () => {
    const clock = new ManualClock();
    server.use(
      wsFaults(feed, { dropAfterMs: 5_000, clock, close: { code: 1012, reason: 'restart' } }),
    );
    const connection = await connect();
    await clock.advance(4_999);
    await turns();
    expect(connection.close).toBeUndefined();
    await clock.advance(1);
    await until(() => connection.close !== undefined);
    expect(connection.close?.code).toBe(1012);
    expect(connection.close?.reason).toBe('restart');
  });

  it('closes with the given code as soon as it opens when dropAfterMessages is 0', async () => {
    server.use(
      wsFaults(feed, { dropAfterMessages: 0, close: { code: 1013, reason: 'overloaded' } }),
    );
    const connection = await connect();
    await until(() => connection.close !== undefined);
    expect(connection.close?.code).toBe(1013);
    expect(connection.close?.reason).toBe('overloaded');
  });

  it('delays every message to the client, in order', async () => {
    const clock = new ManualClock();
    server.use(
      wsFaults(feed, { delayMs: 200, clock }, ({ client }) => {
        client.addEventListener('message', (event) => client.send(`echo ${String(event.data)}`));
      }),
    );
    const connection = await connect();
    connection.socket.send('a');
    connection.socket.send('b');
    await until(() => clock.pendingTimers === 2);
    await clock.advance(199);
    await turns();
    expect(connection.messages).toEqual([]);
    await clock.advance(1);
    await until(() => connection.messages.length === 2);
    expect(connection.messages).toEqual(['echo a', 'echo b']);
    connection.socket.close();
  });

  it('clears the timers of undelivered messages when the connection closes', async () => {
    const clock = new ManualClock();
    server.use(
      wsFaults(feed, { delayMs: 1_000, clock }, ({ client }) => {
        client.addEventListener('message', () => client.send('late'));
      }),
    );
    const connection = await connect();
    connection.socket.send('a');
    await until(() => clock.pendingTimers === 1);
    connection.socket.close();
    await until(() => clock.pendingTimers === 0);
    await clock.advance(1_000);
    expect(connection.messages).toEqual([]);
  });

  it('loses the same messages on every run with the same seed', async () => {
    const run = async () => {
      server.resetHandlers();
      server.use(
        wsFaults(feed, { dropRate: 0.5, seed: 11 }, ({ client }) => {
          client.addEventListener('message', () => {
            for (let i = 0; i < 20; i++) client.send(String(i));
          });
        }),
      );
      const connection = await connect();
      connection.socket.send('go');
      await turns(40);
      connection.socket.close();
      return connection.messages;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.length).toBeGreaterThan(3);
    expect(first.length).toBeLessThan(18);
  });

  it('stops answering application-level pings after answerCount', async () => {
    server.use(
      wsFaults(feed, {
        pings: { match: (data) => data === 'ping', reply: () => 'pong', answerCount: 2 },
      }),
    );
    const connection = await connect();
    for (let i = 0; i < 4; i++) connection.socket.send('ping');
    await turns(40);
    expect(connection.messages).toEqual(['pong', 'pong']);
    connection.socket.close();
  });

  it("hides pings from the server's own listener once answerForMs has passed", async () => {
    const clock = new ManualClock();
    server.use(
      wsFaults(
        feed,
        { pings: { match: (data) => data === '{"op":"ping"}', answerForMs: 10_000 }, clock },
        ({ client }) => {
          client.addEventListener('message', (event) => {
            client.send(event.data === '{"op":"ping"}' ? '{"op":"pong"}' : `echo ${event.data}`);
          });
        },
      ),
    );
    const connection = await connect();
    connection.socket.send('{"op":"ping"}');
    await until(() => connection.messages.length === 1);
    await clock.advance(10_000);
    connection.socket.send('{"op":"ping"}');
    connection.socket.send('hello');
    await until(() => connection.messages.length === 2);
    await turns();
    expect(connection.messages).toEqual(['{"op":"pong"}', 'echo hello']);
    connection.socket.close();
  });

  it('leaves connections after the first `connections` alone', async () => {
    server.use(
      wsFaults(feed, { dropAfterMessages: 0, connections: 1 }, ({ client }) => client.send('hi')),
    );
    const first = await connect();
    await until(() => first.close !== undefined);
    const second = await connect();
    await until(() => second.messages.length === 1);
    expect(second.close).toBeUndefined();
    expect(second.messages).toEqual(['hi']);
    second.socket.close();
  });

  it('rejects bad options', () => {
    expect(() => wsFaults(feed, { dropAfterMessages: -1 })).toThrow(
      'Invalid option `dropAfterMessages`',
    );
    expect(() => wsFaults(feed, { close: { code: 99 } })).toThrow('Invalid option `close.code`');
    expect(() => wsFaults(feed, { dropRate: 2 })).toThrow('Invalid option `dropRate`');
    expect(() => wsFaults(feed, { pings: {} as never })).toThrow('Invalid option `pings.match`');
    expect(() => wsFaults(feed, { drop: 1 } as never)).toThrow('Unknown option `drop`');
  });
});
