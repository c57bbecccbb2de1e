import {
  binanceWsPreset,
  bybitWsPreset,
  coinbaseWsPreset,
  krakenWsPreset,
  okxWsPreset,
} from '@breakwater/exchanges';
import { guardWebSocket, type ResilientWebSocket } from '@breakwater/ws';
import { expectTypeOf } from 'vitest';
import WebSocket from 'ws';

// Every preset plugs into both forms of guardWebSocket(): a factory of `ws` sockets, whose
// socket type the guard keeps, and a URL (the standard WebSocket).
for (const preset of [
  krakenWsPreset(),
  binanceWsPreset(),
  coinbaseWsPreset(),
  bybitWsPreset(),
  okxWsPreset(),
]) {
  const viaWs = guardWebSocket(() => new WebSocket('wss://example.test'), { ...preset });
  expectTypeOf(viaWs).toEqualTypeOf<ResilientWebSocket<WebSocket>>();
  const viaUrl = guardWebSocket('wss://example.test', { ...preset, heartbeat: false });
  expectTypeOf(viaUrl).toEqualTypeOf<ResilientWebSocket<globalThis.WebSocket>>();
}
