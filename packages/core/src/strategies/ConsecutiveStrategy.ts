import { type BreakerStrategy, type WindowStats, windowStats } from './types.ts';

/** Options of the `consecutive` strategy: the breaker's default. */
export interface ConsecutiveStrategyOptions {
  /** Inferred from the other keys when left out. */
  readonly type?: 'consecutive';
  /**
   * Failures in a row that open the breaker.
   * @defaultValue `5`
   */
  readonly failureCount?: number;
}

/** Opens after `failureCount` failures in a row; any success starts the count again. */
export class ConsecutiveStrategy implements BreakerStrategy {
  // On the prototype, not per instance: an idle breaker's strategy holds only its two counts.
  declare readonly usesTime: false;
  declare readonly tracksLatency: false;
  readonly #failureCount: number;
  #failures = 0;

  constructor(failureCount: number) {
    this.#failureCount = failureCount;
  }

  // hot path: called for every success of a closed breaker.
  onSuccess(): boolean {
    this.#failures = 0;
    return false;
  }

  onFailure(): boolean {
    return ++this.#failures >= this.#failureCount;
  }

  reset(): void {
    this.#failures = 0;
  }

  describe() {
    return { type: 'consecutive', failureCount: this.#failureCount } as const;
  }

  stats(): WindowStats {
    return windowStats(this.#failures, this.#failures, 0);
  }

  static {
    Object.defineProperties(ConsecutiveStrategy.prototype, {
      usesTime: { value: false },
      tracksLatency: { value: false },
    });
  }
}
