import { constantBackoff } from '@breakwater/core';
import { classifyCloseCode } from '@breakwater/ws';
import { describe, expect, it } from 'vitest';
import { clients, next, useWorld } from './helpers.ts';

describe('classifyCloseCode', () => {
  it.each([
    [1000, 'normal'],
    [1001, 'transient'],
    [1006, 'transient'],
    [1011, 'transient'],
    [1012, 'transient'],
    [1013, 'transient'],
    [1008, 'auth'],
    [4003, 'transient'],
  ] as const)('classifies %i as %s by default', (code, kind) => {
    expect(classifyCloseCode(code)).toBe(kind);
  });

  it('lets configured codes and ranges win over the defaults', () => {
    const table = { auth: [[4001, 4009]] as const, transient: [1008] };
    expect(classifyCloseCode(4003, table)).toBe('auth');
    expect(classifyCloseCode(4010, table)).toBe('transient');
    expect(classifyCloseCode(1008, table)).toBe('transient');
  });

  it('puts auth before refused, and refused before normal and transient', () => {
    const table = { auth: [4001], refused: [4001, 4002, 1000], transient: [4002] };
    expect(classifyCloseCode(4001, table)).toBe('auth');
    expect(classifyCloseCode(4002, table)).toBe('refused');
    expect(classifyCloseCode(1000, table)).toBe('refused');
  });
});

describe.each(clients)('close codes with %s', (client) => {
  const world = useWorld();

  it.each([1001, 1011, 1012, 1013])('reconnects after %i', async (code) => {
    const { server, clock } = world;
    const guard = world.guard(client, { reconnect: { backoff: constantBackoff(1_000) } });
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.closeAll(code, 'bye');
    expect(await closed).toMatchObject({ code, kind: 'transient', willReconnect: true });
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('halts after a normal close (1000) and resumes on reconnect()', async () => {
    const { server, clock } = world;
    const guard = world.guard(client);
    await next(guard, 'open');
    const halted = next(guard, 'state', ({ to }) => to === 'halted');
    server.closeAll(1000);
    await halted;
    await clock.advance(600_000);
    expect(server.attempts).toBe(1);
    expect(clock.pendingTimers).toBe(0);
    const opened = next(guard, 'open');
    guard.reconnect();
    await opened;
    expect(server.attempts).toBe(2);
  });

  it('reconnects after a normal close when reconnect.onNormalClose is set', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, {
      reconnect: { backoff: constantBackoff(1_000), onNormalClose: true },
    });
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.closeAll(1000);
    expect(await closed).toMatchObject({ kind: 'normal', willReconnect: true });
    const opened = next(guard, 'open');
    await clock.advance(1_000);
    await opened;
  });

  it.each([
    [1008, undefined],
    [4003, { auth: [[4001, 4009]] as const }],
  ])('halts after %i without counting it against the breaker', async (code, closeCodes) => {
    const { server, clock } = world;
    const guard = world.guard(client, closeCodes ? { closeCodes } : {});
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.closeAll(code, 'invalid key');
    expect(await closed).toMatchObject({ code, kind: 'auth', willReconnect: false });
    expect(guard.state).toBe('halted');
    await clock.advance(600_000);
    expect(server.attempts).toBe(1);
    expect(guard.breaker.snapshot().counters).toMatchObject({ failures: 0, released: 1 });
  });

  it('halts as refused after a code listed in closeCodes.refused, uncounted', async () => {
    const { server, clock } = world;
    const guard = world.guard(client, { closeCodes: { refused: [4002] } });
    await next(guard, 'open');
    const closed = next(guard, 'close');
    server.closeAll(4002, 'invalid request');
    expect(await closed).toMatchObject({ code: 4002, kind: 'refused', willReconnect: false });
    expect(guard.state).toBe('halted');
    await clock.advance(600_000);
    expect(server.attempts).toBe(1);
    expect(guard.breaker.snapshot().counters).toMatchObject({ failures: 0, released: 1 });
  });
});
