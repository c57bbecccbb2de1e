import { binanceWsPreset, krakenWsPreset } from '@breakwater/exchanges';
import type { ExchangeSim } from '@breakwater/exchanges/testing';
import { type GuardEvents, guardWebSocket, type ResilientWebSocket } from '@breakwater/ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSim } from './support.ts';

const guards: ResilientWebSocket[] = [];
afterEach(async () => {
  await Promise.all(guards.splice(0).map((guard) => guard.close()));
});

/** Resolves with the next payload of `event` that `match` accepts. */
function next<K extends keyof GuardEvents>(
  guard: ResilientWebSocket,
  event: K,
  match: (payload: GuardEvents[K]) => boolean = () => true,
): Promise<GuardEvents[K]> {
  return new Promise((resolve) => {
    const off = guard.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const text = (data: GuardEvents['message']) => String(data);

describe('the exchanges’ WebSocket presets against the simulator', () => {
  let sim: ExchangeSim;

  it('Kraken: subscribes, takes ticks, and resubscribes after a drop', async () => {
    const started = await startSim({ exchanges: ['kraken'] });
    sim = started.sim;
    const { clock } = started;
    const preset = krakenWsPreset({ subscriptions: [{ channel: 'ticker', symbol: ['BTC/USD'] }] });
    const guard = guardWebSocket(() => new WebSocket(sim.wsUrl('kraken')), { ...preset, clock });
    guards.push(guard);
    await next(guard, 'open');
    const tick = next(guard, 'message', (m) => text(m).includes('"type":"update"'));
    await clock.advance(1_000);
    expect(JSON.parse(text(await tick))).toMatchObject({
      channel: 'ticker',
      data: [{ symbol: 'BTC/USD' }],
    });

    const reconnecting = next(guard, 'reconnecting');
    sim.incident({ exchange: 'kraken', type: 'wsDrop' });
    const { delayMs } = await reconnecting;
    const reopened = next(guard, 'open');
    await clock.advance(delayMs);
    await reopened;
    expect(sim.counters('kraken')).toMatchObject({ wsConnects: 2, wsSubscriptions: 2 });
  });

  it('Kraken: a silent socket fails the heartbeat; the guard connects again', async () => {
    const started = await startSim({ exchanges: ['kraken'] });
    sim = started.sim;
    const { clock } = started;
    const preset = krakenWsPreset({ subscriptions: [{ channel: 'ticker', symbol: ['ETH/USD'] }] });
    const guard = guardWebSocket(() => new WebSocket(sim.wsUrl('kraken')), { ...preset, clock });
    guards.push(guard);
    await next(guard, 'open');
    const silence = sim.incident({ exchange: 'kraken', type: 'wsSilent' });
    const closed = next(guard, 'close');
    const reconnecting = next(guard, 'reconnecting');
    // No heartbeat for 10 s: the guard pings; no pong for 10 s more: the socket is dead.
    await clock.advance(20_000);
    expect((await closed).willReconnect).toBe(true);
    silence.end();
    const { delayMs } = await reconnecting;
    const reopened = next(guard, 'open');
    await clock.advance(delayMs);
    await reopened;
    expect(sim.counters('kraken').wsConnects).toBe(2);
  });

  it('Binance: SUBSCRIBE is confirmed, ticks flow, a closed connection is resubscribed', async () => {
    const started = await startSim({ exchanges: ['binance'] });
    sim = started.sim;
    const { clock } = started;
    const preset = binanceWsPreset({ streams: ['btcusdt@trade'] });
    const guard = guardWebSocket(() => new WebSocket(sim.wsUrl('binance')), { ...preset, clock });
    guards.push(guard);
    await next(guard, 'open');
    const tick = next(guard, 'message');
    await clock.advance(1_000);
    expect(JSON.parse(text(await tick))).toMatchObject({ e: 'trade', s: 'BTCUSDT' });

    const closed = next(guard, 'close');
    const reconnecting = next(guard, 'reconnecting');
    sim.incident({ exchange: 'binance', type: 'wsDrop', code: 1001 });
    expect(await closed).toMatchObject({ code: 1001, willReconnect: true });
    const { delayMs } = await reconnecting;
    const reopened = next(guard, 'open');
    await clock.advance(delayMs);
    await reopened;
    const again = next(guard, 'message');
    await clock.advance(1_000);
    expect(JSON.parse(text(await again))).toMatchObject({ e: 'trade' });
    expect(sim.counters('binance')).toMatchObject({ wsConnects: 2, wsSubscriptions: 2 });
  });
});

describe('stream incidents the presets react to', () => {
  it('Kraken announces maintenance on the status channel; the guard backs off', async () => {
    const { sim, clock } = await startSim({ exchanges: ['kraken'] });
    const preset = krakenWsPreset({ subscriptions: [{ channel: 'ticker', symbol: ['BTC/USD'] }] });
    const guard = guardWebSocket(() => new WebSocket(sim.wsUrl('kraken')), { ...preset, clock });
    guards.push(guard);
    await next(guard, 'open');
    const closed = next(guard, 'close');
    sim.incident({ exchange: 'kraken', type: 'maintenance', durationMs: 30_000 });
    await clock.advance(1_000); // the next tick carries the status change
    expect(await closed).toMatchObject({ willReconnect: true });
    expect(sim.counters('kraken').routes).toEqual({});
  });

  it('Binance ends a connection after 24 hours', async () => {
    const { sim, clock } = await startSim({ exchanges: ['binance'], tickIntervalMs: 60_000 });
    const preset = binanceWsPreset({ streams: ['ethusdt@trade'] });
    // Without the preset's rotation at 23.5 h, the server's cut is what ends the connection.
    const guard = guardWebSocket(() => new WebSocket(sim.wsUrl('binance')), {
      ...preset,
      rotation: undefined,
      heartbeat: false,
      clock,
    });
    guards.push(guard);
    await next(guard, 'open');
    const closed = next(guard, 'close');
    await clock.advance(86_400_000 - 60_000);
    expect(sim.counters('binance').wsConnects).toBe(1);
    await clock.advance(60_000);
    expect(await closed).toMatchObject({ code: 1006, willReconnect: true });
  });
});
