import type { ManualClock } from '@breakwater/core';

/** A failure the default classifier counts (category `unknown`). */
export function overloaded(): Error {
  return new Error('overloaded');
}

/**
 * A dependency that accepts at most `perSecond` calls in each second of the clock and fails the
 * rest at once: the SRE book's overloaded backend.
 */
export class RateLimitedBackend {
  reached = 0;
  accepted = 0;
  #second = -1;
  #inSecond = 0;
  perSecond: number;
  readonly clock: ManualClock;

  constructor(clock: ManualClock, perSecond: number) {
    this.clock = clock;
    this.perSecond = perSecond;
  }

  readonly call = (): Promise<number> => {
    this.reached++;
    const second = Math.floor(this.clock.monotonic() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#inSecond = 0;
    }
    if (this.#inSecond >= this.perSecond) return Promise.reject(overloaded());
    this.#inSecond++;
    this.accepted++;
    return Promise.resolve(1);
  };
}

/**
 * A server with `workers` workers, each serving one call in `serviceMs` on average (± a quarter,
 * drawn from the clock's seeded random); calls beyond them wait in a FIFO queue, so latency grows
 * with the load: capacity `workers` calls at once.
 */
export class QueueingServer {
  workers: number;
  busy = 0;
  served = 0;
  readonly #queue: (() => void)[] = [];

  readonly clock: ManualClock;
  readonly serviceMs: number;

  constructor(clock: ManualClock, workers: number, serviceMs: number) {
    this.clock = clock;
    this.workers = workers;
    this.serviceMs = serviceMs;
  }

  readonly call = (): Promise<number> =>
    new Promise<number>((resolve) => {
      const start = () => {
        this.busy++;
        this.clock.setTimeout(
          () => {
            this.busy--;
            this.served++;
            resolve(1);
            this.#next();
          },
          this.serviceMs * (0.75 + this.clock.random() / 2),
        );
      };
      if (this.busy < this.workers) start();
      else this.#queue.push(start);
    });

  #next(): void {
    while (this.busy < this.workers && this.#queue.length > 0) this.#queue.shift()!();
  }
}

/** How a dependency behaves at a moment: its failure rate and latency. */
export interface Condition {
  readonly failureRate: number;
  readonly latencyMs: number;
}

/**
 * A dependency whose failure rate and latency follow a script of time (`condition(t)`), drawing
 * failures from a seeded random source; each call ends after the latency, on the clock.
 */
export class ScriptedDependency {
  reached = 0;
  reachedFailing = 0;

  readonly clock: ManualClock;
  readonly random: () => number;
  condition: (t: number) => Condition;

  constructor(clock: ManualClock, random: () => number, condition: (t: number) => Condition) {
    this.clock = clock;
    this.random = random;
    this.condition = condition;
  }

  readonly call = (): Promise<number> => {
    this.reached++;
    const { failureRate, latencyMs } = this.condition(this.clock.monotonic());
    if (failureRate >= 1) this.reachedFailing++;
    const fails = this.random() < failureRate;
    return new Promise<number>((resolve, reject) => {
      this.clock.setTimeout(() => (fails ? reject(overloaded()) : resolve(1)), latencyMs);
    });
  };
}

/** Offers `perTick` calls every `tickMs` for `durationMs`, each through `send`. */
export async function offer(
  clock: ManualClock,
  durationMs: number,
  tickMs: number,
  perTick: number,
  send: () => Promise<unknown>,
  onTick?: () => void,
): Promise<void> {
  for (let t = 0; t < durationMs; t += tickMs) {
    for (let i = 0; i < perTick; i++) send().catch(() => {});
    onTick?.();
    await clock.advance(tickMs);
  }
}
