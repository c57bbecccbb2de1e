import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { BreakerRegistry, type RegistryBreakerOptions } from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Redis } from 'ioredis';
import type { BreakerRow } from './report.ts';
import type { ScaledClock } from './ScaledClock.ts';
import type { Stage } from './stage.ts';
import type { ExchangeId } from './timeline.ts';

/** What the second bot process needs to reach the same simulator and the same Redis. */
export interface FleetConfig {
  readonly speed: number;
  readonly binanceWeightLimit: number;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly urls: Readonly<Record<ExchangeId, string>>;
  readonly wsUrls: Readonly<Record<ExchangeId, string>>;
  /** ccxt's `urls.api` of each exchange, as `sim.redirect()` rewrote them. */
  readonly apis: Readonly<Record<ExchangeId, unknown>>;
}

/** Messages between the demo and its second bot process. */
export type ToWorker = { type: 'start'; config: FleetConfig } | { type: 'run' } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'rows'; rows: BreakerRow[] }
  | { type: 'event'; line: string }
  | { type: 'failed'; message: string };

/**
 * A registry whose breakers share their state through Redis: the store the demo's Breakwater
 * bots use with `--redis`. Call `dispose()` on both when done.
 */
export function sharedRegistry(
  config: Pick<FleetConfig, 'redisUrl' | 'prefix'>,
  clock: ScaledClock,
  defaults: RegistryBreakerOptions,
): { registry: BreakerRegistry; store: RedisStore } {
  const store = new RedisStore({
    client: new Redis(config.redisUrl, { lazyConnect: true }),
    prefix: config.prefix,
    clock,
    stateTtlMs: 300_000,
  });
  const registry = new BreakerRegistry({ clock, defaults: { ...defaults, store } });
  return { registry, store };
}

/** A simulator seen from another process: its addresses, and ccxt's URLs rewritten for it. */
export function remoteStage(config: FleetConfig): Stage {
  return {
    url: (exchange) => config.urls[exchange],
    wsUrl: (exchange) => config.wsUrls[exchange],
    redirect(exchange) {
      exchange.urls.api = structuredClone(config.apis[exchange.id as ExchangeId]);
      return exchange;
    },
  };
}

/** The second Breakwater bot, in a process of its own. */
export class WorkerBot {
  readonly #child: ChildProcess;
  #rows: BreakerRow[] = [];

  private constructor(child: ChildProcess, onEvent: (line: string) => void) {
    this.#child = child;
    child.on('message', (message: FromWorker) => {
      if (message.type === 'rows') this.#rows = message.rows;
      else if (message.type === 'event') onEvent(message.line);
    });
  }

  /** Starts the process and waits until its bot has loaded the markets. */
  static async start(config: FleetConfig, onEvent: (line: string) => void): Promise<WorkerBot> {
    const child = fork(fileURLToPath(new URL('./workerMain.ts', import.meta.url)), [], {
      execArgv: ['--conditions=@breakwater/source'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const worker = new WorkerBot(child, onEvent);
    child.send({ type: 'start', config } satisfies ToWorker);
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(() => [{ type: 'failed', message: 'it exited' }]),
    ])) as [FromWorker];
    if (message.type !== 'ready') {
      child.kill();
      throw new Error(
        `the second bot process did not start: ${message.type === 'failed' ? message.message : message.type}`,
      );
    }
    return worker;
  }

  /** Its live table, as it last sent it. */
  rows(): BreakerRow[] {
    return this.#rows;
  }

  /** Starts its loops: the story begins. */
  run(): void {
    this.#child.send({ type: 'run' } satisfies ToWorker);
  }

  /** Asks it to stop and waits until it has closed everything and exited. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    if (this.#child.connected) this.#child.send({ type: 'stop' } satisfies ToWorker);
    else this.#child.kill();
    await exited;
  }
}
