import type { ServerResponse } from 'node:http';
import type { BreakerRegistry, Clock } from '@breakwater/core';
import type { HealthMonitor } from '../health/HealthMonitor.ts';
import { unref } from '../health/runCheck.ts';
import { jsonReplacer } from './http.ts';
import { selectBreakers } from './selectBreakers.ts';

/** A client's unsent output beyond which it is too slow to follow, and is dropped. */
const maxBufferedBytes = 1024 * 1024;

/**
 * The `GET /events` Server-Sent Events hub. Subscribes to the registry and the monitor, and
 * runs its sample timer, only while at least one client listens (attached on the first,
 * detached on the last, like TanStack Query's managers): an idle dashboard holds no listener
 * and no timer. Not part of the public API.
 *
 * Events: `transition` (a breaker's `stateChange`), `breakers` (the views of up to
 * `maxLiveBreakers` breakers, at once and every `sampleIntervalMs`), `alert` and `recovery` (the monitor's), `health` (the
 * monitor's report, on each status change and each check result).
 */
export class EventStream {
  readonly #registry: BreakerRegistry;
  readonly #monitor: HealthMonitor | undefined;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxClients: number;
  readonly #maxBreakers: number;
  readonly #clients = new Set<ServerResponse>();
  #detach: (() => void) | undefined;
  #timer: unknown;

  constructor(
    registry: BreakerRegistry,
    monitor: HealthMonitor | undefined,
    clock: Clock,
    intervalMs: number,
    maxClients: number,
    maxBreakers: number,
  ) {
    this.#registry = registry;
    this.#monitor = monitor;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#maxClients = maxClients;
    this.#maxBreakers = maxBreakers;
  }

  /** Clients connected now. */
  get size(): number {
    return this.#clients.size;
  }

  /** Whether another client may connect. */
  get full(): boolean {
    return this.#clients.size >= this.#maxClients;
  }

  /** Starts streaming to `res` until the client goes away or {@link EventStream.close}. */
  add(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies such as nginx buffer responses by default, which would hold events back.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    // The browser reconnects after this many ms when the server goes away (a restart).
    res.write('retry: 1000\n\n');
    this.#clients.add(res);
    const remove = () => this.#remove(res);
    res.on('close', remove);
    res.on('error', remove);
    if (this.#detach === undefined) this.#attach();
    this.#send(res, 'breakers', this.#views());
    if (this.#monitor !== undefined) this.#send(res, 'health', this.#monitor.report());
  }

  /** Ends every stream and detaches. */
  close(): void {
    for (const res of [...this.#clients]) {
      this.#clients.delete(res);
      res.end();
    }
    this.#detachAll();
  }

  #attach(): void {
    const registry = this.#registry;
    const offs = [
      registry.on('stateChange', (event) => this.#broadcast('transition', event)),
      registry.on('removed', ({ name, reason }) => this.#broadcast('removed', { name, reason })),
    ];
    const monitor = this.#monitor;
    if (monitor !== undefined) {
      const health = () => this.#broadcast('health', monitor.report());
      offs.push(
        monitor.on('alert', ({ alert }) => this.#broadcast('alert', alert)),
        monitor.on('recovery', ({ alert }) => this.#broadcast('recovery', alert)),
        monitor.on('result', health),
      );
    }
    this.#detach = () => {
      for (const off of offs) off();
    };
    this.#schedule();
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#clients.size === 0) return;
      this.#broadcast('breakers', this.#views());
      this.#schedule();
    }, this.#intervalMs);
    unref(this.#timer);
  }

  #detachAll(): void {
    this.#detach?.();
    this.#detach = undefined;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #remove(res: ServerResponse): void {
    if (!this.#clients.delete(res)) return;
    if (this.#clients.size === 0) this.#detachAll();
  }

  #views(): unknown {
    return selectBreakers(this.#registry, this.#maxBreakers, this.#clock.now());
  }

  #broadcast(event: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    const frame = frameOf(event, data);
    for (const res of [...this.#clients]) this.#write(res, frame);
  }

  #send(res: ServerResponse, event: string, data: unknown): void {
    this.#write(res, frameOf(event, data));
  }

  #write(res: ServerResponse, frame: string): void {
    if (res.writableLength > maxBufferedBytes) {
      // Too slow to follow: drop it; its EventSource reconnects and starts from a fresh view.
      this.#remove(res);
      res.destroy();
      return;
    }
    res.write(frame);
  }
}

/** One SSE frame; JSON has no raw newlines, so `data` is one line. */
function frameOf(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data, jsonReplacer)}\n\n`;
}
