import { guardWebSocket, type ResilientWebSocket, type ResubscribeContext } from '@breakwater/ws';
import { expectTypeOf } from 'vitest';
import WebSocket from 'ws';

const url = 'wss://ws.kraken.com/v2';
const subscribe = JSON.stringify({ method: 'subscribe', params: { channel: 'ticker' } });

// The README's form: an arrow returning what send() returns (a boolean).
guardWebSocket(url, { resubscribe: ({ send }) => send(subscribe) });
guardWebSocket(() => new WebSocket(url), { resubscribe: ({ send }) => send(subscribe) });
// A block body, and an async hook that waits for an ack.
guardWebSocket(url, {
  resubscribe: ({ send }) => {
    send(subscribe);
  },
});
guardWebSocket(url, {
  resubscribe: async ({ send, reason }) => {
    expectTypeOf(reason).toEqualTypeOf<'initial' | 'reconnect' | 'rotation'>();
    if (!send(subscribe)) throw new Error('not open');
    await Promise.resolve();
  },
});
expectTypeOf<ResubscribeContext['send']>().returns.toEqualTypeOf<boolean>();
// @ts-expect-error: the hook gets a context, not a socket
guardWebSocket(url, { resubscribe: (socket: WebSocket) => socket.ping() });

// The hook sees the socket the factory makes: `ws`'s events, or the standard WebSocket's.
guardWebSocket(() => new WebSocket(url), {
  resubscribe: ({ socket }) => new Promise((resolve) => socket.once('message', resolve)),
});
guardWebSocket(url, {
  resubscribe: ({ socket }) => {
    expectTypeOf(socket).toEqualTypeOf<globalThis.WebSocket>();
  },
});

// A guard of any socket type still fits where any guard is expected.
expectTypeOf<ResilientWebSocket<WebSocket>>().toExtend<ResilientWebSocket>();
expectTypeOf<ResilientWebSocket<globalThis.WebSocket>>().toExtend<ResilientWebSocket>();
