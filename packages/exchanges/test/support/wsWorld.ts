import { ManualClock } from '@breakwater/core';
import {
  type GuardEvents,
  type GuardOptions,
  guardWebSocket,
  type ResilientWebSocket,
} from '@breakwater/ws';
import { createFaultyWsServer, type FaultyWsServer } from '@breakwater/ws/testing';
import { afterEach, beforeEach } from 'vitest';
import WebSocket from 'ws';

/** A test's world: a loopback `ws` server speaking an exchange's frames, and a manual clock. */
export interface WsWorld {
  server: FaultyWsServer;
  /** Answers the client's text messages, as the exchange would (acks, errors). */
  answer: ((message: string, connection: WebSocket) => string | undefined) | undefined;
  clock: ManualClock;
  /** A guard on `server.url` with `ws`, the preset's options and then `extra`. */
  guard(preset: GuardOptions, extra?: GuardOptions): ResilientWebSocket<WebSocket>;
}

/** Starts a server and a clock before each test; closes the guards and the server after it. */
export function useWsWorld(): WsWorld {
  const guards: ResilientWebSocket[] = [];
  const world = {} as WsWorld;
  beforeEach(async () => {
    world.answer = undefined;
    world.server = await createFaultyWsServer({
      onMessage: (message, connection) => world.answer?.(message, connection),
    });
    world.clock = new ManualClock();
    world.guard = (preset, extra = {}) => {
      const guard = guardWebSocket(() => new WebSocket(world.server.url), {
        ...preset,
        clock: world.clock,
        ...extra,
      });
      guards.push(guard);
      return guard;
    };
  });
  afterEach(async () => {
    await Promise.all(guards.splice(0).map((guard) => guard.close()));
    await world.server.close();
  });
  return world;
}

/** Resolves with the next payload of `event` that `match` accepts. */
export function next<K extends keyof GuardEvents>(
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

/** Records every payload of `event`. */
export function record<K extends keyof GuardEvents>(
  guard: ResilientWebSocket,
  event: K,
): GuardEvents[K][] {
  const seen: GuardEvents[K][] = [];
  guard.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Parses a client message the server received. */
export function parsed(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}
