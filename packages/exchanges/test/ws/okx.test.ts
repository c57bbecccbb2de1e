import { isBreakwaterConfigError } from '@breakwater/core';
import { type OkxWsLogin, okxWsPreset } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';
import { next, parsed, record, useWsWorld } from '../support/wsWorld.ts';

const tickers = { channel: 'tickers', instId: 'BTC-USDT' };
const trades = { channel: 'trades', instId: 'ETH-USDT' };
const login: OkxWsLogin = {
  apiKey: 'key-123',
  passphrase: 'pass-456',
  timestamp: '1700000000',
  sign: 'SECRET-SIGNATURE=',
};

/** OKX's answers: `{"event":"login","code":"0"}`, and one `subscribe` event per arg. */
function okx(message: string): string | undefined {
  const request = parsed(message);
  if (request.op === 'login')
    return JSON.stringify({ event: 'login', code: '0', msg: '', connId: 'a1' });
  if (request.op !== 'subscribe') return undefined;
  return (request.args as object[])
    .map((arg) => JSON.stringify({ event: 'subscribe', arg, connId: 'a1' }))
    .join('\n');
}

describe('okxWsPreset against a loopback server speaking OKX v5', () => {
  const world = useWsWorld();

  /** Sends each line as its own frame (OKX acks each arg separately). */
  function answerWith(answer: (message: string) => string | undefined): void {
    world.answer = (message, connection) => {
      const lines = answer(message)?.split('\n') ?? [];
      for (const line of lines) connection.send(line);
      return undefined;
    };
  }

  it('logs in, subscribes, waits for every confirmation, then opens', async () => {
    const { server } = world;
    answerWith(okx);
    const guard = world.guard(okxWsPreset({ args: [tickers, trades], login: () => login }));
    await next(guard, 'open');
    const sent = server.messages.map((m) => parsed(m.data));
    expect(sent).toEqual([
      { op: 'login', args: [login] },
      { op: 'subscribe', args: [tickers, trades] },
    ]);
  });

  it('takes an acknowledgement that echoes a field more (uid)', async () => {
    const orders = { channel: 'orders', instType: 'ANY' };
    world.answer = (message, connection) => {
      const request = parsed(message);
      if (request.op === 'login') return JSON.stringify({ event: 'login', code: '0', msg: '' });
      connection.send(
        JSON.stringify({ event: 'subscribe', arg: { ...orders, uid: '44705892343619584' } }),
      );
      return undefined;
    };
    const guard = world.guard(okxWsPreset({ args: [orders], login: () => login }));
    await next(guard, 'open');
    expect(guard.state).toBe('open');
  });

  it('does not open while one subscription is unconfirmed, and fails the attempt', async () => {
    const { server, clock } = world;
    // Only the first arg is confirmed.
    answerWith((message) => okx(message)?.split('\n')[0]);
    const guard = world.guard(okxWsPreset({ args: [tickers, trades] }));
    const opens = record(guard, 'open');
    await server.nextMessage();
    const closed = next(guard, 'close');
    await clock.advance(10_000);
    expect(await closed).toMatchObject({ cause: 'connectTimeout', willReconnect: true });
    expect(opens).toEqual([]);
    expect(guard.breaker.snapshot().counters.failures).toBe(1);
  });

  it('halts, uncounted, when OKX refuses the subscription (60018)', async () => {
    const { server } = world;
    world.answer = () =>
      JSON.stringify({
        event: 'error',
        code: '60018',
        msg: "channel:tickers doesn't exist",
        connId: 'a1',
      });
    const guard = world.guard(okxWsPreset({ args: [tickers] }));
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'message', kind: 'refused', willReconnect: false });
    expect(closed.reason).toBe("okx 60018: channel:tickers doesn't exist");
    expect(guard.state).toBe('halted');
    expect(guard.breaker.snapshot().counters.failures).toBe(0);
    expect(server.attempts).toBe(1);
  });

  it('halts as auth on a failed login, without repeating the signature anywhere', async () => {
    // OKX echoes the request in 60012: "Illegal request: {"op":"login","args":[…]}".
    world.answer = (message) =>
      JSON.stringify({ event: 'error', code: '60009', msg: `Login failed. ${message}` });
    const guard = world.guard(okxWsPreset({ args: [tickers], login: () => login }));
    const closed = await next(guard, 'close');
    expect(closed).toMatchObject({ cause: 'message', kind: 'auth', willReconnect: false });
    const said = `${closed.reason} ${String(closed.error)}`;
    expect(said).toContain('okx 60009: Login failed.');
    expect(said).not.toContain(login.sign);
    expect(said).not.toContain(login.passphrase);
  });

  it('backs off and reconnects when subscribing is too frequent (60014)', async () => {
    const { server, clock } = world;
    let refuse = true;
    answerWith((message) => {
      if (!refuse) return okx(message);
      refuse = false;
      return JSON.stringify({ event: 'error', code: '60014', msg: 'Requests too frequent.' });
    });
    const guard = world.guard(okxWsPreset({ args: [tickers] }));
    const closing = next(guard, 'close');
    const waiting = next(guard, 'reconnecting');
    expect(await closing).toMatchObject({
      cause: 'message',
      kind: 'transient',
      willReconnect: true,
    });
    const wait = await waiting;
    const opened = next(guard, 'open');
    await clock.advance(wait.delayMs);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('reports a login function that throws, and tries again after backoff', async () => {
    const { server, clock } = world;
    answerWith(okx);
    let calls = 0;
    const guard = world.guard(
      okxWsPreset({
        args: [tickers],
        login: () => {
          if (++calls === 1) throw new Error('vault unreachable');
          return login;
        },
      }),
    );
    const failed = next(guard, 'error');
    const waiting = next(guard, 'reconnecting');
    expect(await failed).toMatchObject({ phase: 'resubscribe' });
    const opened = next(guard, 'open');
    await clock.advance((await waiting).delayMs);
    await opened;
    expect(calls).toBe(2);
    expect(server.attempts).toBe(2);
  });

  it('delivers an error answering your own request once open', async () => {
    const { server } = world;
    answerWith(okx);
    const guard = world.guard(okxWsPreset({ args: [tickers] }));
    await next(guard, 'open');
    const delivered = next(guard, 'message');
    const frame = JSON.stringify({ event: 'error', code: '60012', msg: 'Invalid request' });
    server.broadcast(frame);
    expect(await delivered).toBe(frame);
    expect(guard.state).toBe('open');
  });

  it("pings 'ping' only after 12 s of silence, and replaces a socket whose pong never comes", async () => {
    const { server, clock } = world;
    answerWith(okx);
    const guard = world.guard(okxWsPreset({ args: [tickers] }));
    const messages = record(guard, 'message');
    await next(guard, 'open');
    // A frame within each 12 s: no ping.
    for (let i = 0; i < 3; i++) {
      const got = next(guard, 'message');
      server.broadcast(JSON.stringify({ arg: tickers, data: [{ last: `${i}` }] }));
      await got;
      await clock.advance(12_000);
    }
    expect(server.messages.some((m) => m.data === 'ping')).toBe(false);
    const ping = server.nextMessage((m) => m.data === 'ping');
    await clock.advance(12_000);
    await ping;
    // OKX answers 'pong', which is not delivered.
    const after = next(guard, 'message');
    server.broadcast('{"arg":{"channel":"tickers"},"data":[]}');
    await after;
    expect(messages.filter((m) => m === 'pong')).toEqual([]);
    // Now a silent server: the next ping goes unanswered.
    server.ignorePings();
    await clock.advance(12_000);
    await clock.advance(12_000);
    const closed = next(guard, 'close');
    await clock.advance(10_000);
    expect(await closed).toMatchObject({ cause: 'heartbeat', willReconnect: true });
  });

  it('replaces the connection at once on the 64008 service-upgrade notice', async () => {
    const { server } = world;
    answerWith(okx);
    const guard = world.guard(okxWsPreset({ args: [tickers] }));
    await next(guard, 'open');
    const rotated = next(guard, 'open');
    server.broadcast(
      JSON.stringify({
        event: 'notice',
        code: '64008',
        msg: 'The connection will soon be closed for a service upgrade. Please reconnect.',
      }),
    );
    expect(await rotated).toMatchObject({ reason: 'rotation' });
    expect(server.attempts).toBe(2);
    expect(server.messages.filter((m) => parsed(m.data).op === 'subscribe')).toHaveLength(2);
    expect(guard.state).toBe('open');
  });

  it.each([
    [4001, 'auth', false],
    [4002, 'refused', false],
    [4008, 'refused', false],
    [4007, 'auth', false],
    [4004, 'transient', true],
    [4005, 'transient', true],
  ])('treats close code %i as %s', async (code, kind, willReconnect) => {
    const { server } = world;
    answerWith(okx);
    const guard = world.guard(okxWsPreset({ args: [tickers] }));
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.closeAll(code);
    expect(await closed).toMatchObject({ code, kind, willReconnect });
  });

  it('refuses bad options at construction', () => {
    const error = (options: unknown) => {
      try {
        okxWsPreset(options as never);
      } catch (e) {
        if (isBreakwaterConfigError(e)) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(error({ args: [{ instId: 'BTC-USDT' }] })).toContain('`args[0]`');
    expect(error({ args: 'tickers' })).toContain('`args`');
    expect(error({ login: 'key' })).toContain('`login`');
    expect(error({ arg: [] })).toContain('Unknown option `arg`');
    const many = Array.from({ length: 2_000 }, (_, i) => ({
      channel: 'tickers',
      instId: `C${i}-USDT`,
    }));
    expect(error({ args: many })).toContain("OKX's limit per request");
  });
});
