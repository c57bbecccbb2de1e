import {
  binanceSystemStatus,
  bybitSystemStatus,
  krakenSystemStatus,
  okxSystemStatus,
} from '@breakwater/exchanges';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(path: string, status: number, body: unknown): Promise<string> {
  server = await startLoopback((req, res) => {
    if (req.url === path) sendJson(res, status, body);
    else sendJson(res, 404, { error: 'not found' });
  });
  return server.url;
}

describe('krakenSystemStatus', () => {
  it('reads online as operational', async () => {
    const baseUrl = await serve('/0/public/SystemStatus', 200, {
      error: [],
      result: { status: 'online', timestamp: '2023-07-06T18:52:00Z' },
    });
    expect(await krakenSystemStatus(fetch, { baseUrl })).toEqual({
      exchange: 'kraken',
      health: 'operational',
      detail: 'online',
    });
  });

  it('reads cancel_only as degraded and maintenance as maintenance', async () => {
    const baseUrl = await serve('/0/public/SystemStatus', 200, {
      error: [],
      result: { status: 'cancel_only' },
    });
    expect((await krakenSystemStatus(fetch, { baseUrl })).health).toBe('degraded');
    await server?.close();
    const again = await serve('/0/public/SystemStatus', 200, {
      error: [],
      result: { status: 'maintenance' },
    });
    expect((await krakenSystemStatus(fetch, { baseUrl: again })).health).toBe('maintenance');
  });

  it('reads an EService:Unavailable answer as maintenance', async () => {
    const baseUrl = await serve('/0/public/SystemStatus', 200, { error: ['EService:Unavailable'] });
    expect(await krakenSystemStatus(fetch, { baseUrl })).toMatchObject({ health: 'maintenance' });
  });

  it('reports an HTTP error as unknown', async () => {
    const baseUrl = await serve('/0/public/SystemStatus', 503, '<html>down</html>');
    expect(await krakenSystemStatus(fetch, { baseUrl })).toEqual({
      exchange: 'kraken',
      health: 'unknown',
      detail: 'HTTP 503',
    });
  });

  it('rejects unknown options', async () => {
    await expect(krakenSystemStatus(fetch, { baseurl: 'x' } as never)).rejects.toThrow(/baseurl/);
  });
});

describe('binanceSystemStatus', () => {
  it('maps status 0 and 1', async () => {
    let baseUrl = await serve('/sapi/v1/system/status', 200, { status: 0, msg: 'normal' });
    expect(await binanceSystemStatus(fetch, { baseUrl })).toEqual({
      exchange: 'binance',
      health: 'operational',
      detail: 'normal',
    });
    await server?.close();
    baseUrl = await serve('/sapi/v1/system/status', 200, { status: 1, msg: 'system_maintenance' });
    expect((await binanceSystemStatus(fetch, { baseUrl })).health).toBe('maintenance');
  });
});

describe('bybitSystemStatus', () => {
  it('reads an ongoing event as maintenance until its end, and the next scheduled one', async () => {
    const baseUrl = await serve('/v5/system/status', 200, {
      retCode: 0,
      retMsg: '',
      result: {
        list: [
          {
            id: 'a',
            title: 'Upgrade',
            state: 'ongoing',
            begin: '1767225000000',
            end: '1767229200000',
          },
          {
            id: 'b',
            title: 'Next',
            state: 'scheduled',
            begin: '1767312000000',
            end: '1767315600000',
          },
          {
            id: 'c',
            title: 'Old',
            state: 'completed',
            begin: '1751254200000',
            end: '1751254500000',
          },
        ],
      },
    });
    expect(await bybitSystemStatus(fetch, { baseUrl })).toEqual({
      exchange: 'bybit',
      health: 'maintenance',
      detail: 'Upgrade',
      maintenanceUntil: 1_767_229_200_000,
      nextMaintenanceAt: 1_767_312_000_000,
    });
  });

  it('is operational with only completed events', async () => {
    const baseUrl = await serve('/v5/system/status', 200, { retCode: 0, result: { list: [] } });
    expect((await bybitSystemStatus(fetch, { baseUrl })).health).toBe('operational');
  });
});

describe('okxSystemStatus', () => {
  it('reads ongoing as maintenance and pre_open as degraded', async () => {
    let baseUrl = await serve('/api/v5/system/status', 200, {
      code: '0',
      msg: '',
      data: [
        {
          title: 'Spot upgrade',
          state: 'ongoing',
          begin: '1767225000000',
          end: '1767229200000',
          serviceType: '1',
        },
      ],
    });
    expect(await okxSystemStatus(fetch, { baseUrl })).toEqual({
      exchange: 'okx',
      health: 'maintenance',
      detail: 'Spot upgrade',
      maintenanceUntil: 1_767_229_200_000,
    });
    await server?.close();
    baseUrl = await serve('/api/v5/system/status', 200, {
      code: '0',
      data: [{ title: 'Reopening', state: 'pre_open', serviceType: '1' }],
    });
    expect((await okxSystemStatus(fetch, { baseUrl })).health).toBe('degraded');
  });

  it('treats a WebSocket-only upgrade as degraded, not maintenance', async () => {
    const baseUrl = await serve('/api/v5/system/status', 200, {
      code: '0',
      data: [{ title: 'WS upgrade', state: 'ongoing', serviceType: '0' }],
    });
    expect((await okxSystemStatus(fetch, { baseUrl })).health).toBe('degraded');
  });
});
