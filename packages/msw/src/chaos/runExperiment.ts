import { type Category, type Clock, isBreakerOpenError, type ManualClock } from '@breakwater/core';
import type { RequestHandler } from 'msw';
import { wait } from '../internal/wait.ts';
import { buildFaults } from './injectFaults.ts';
import {
  type ExperimentOptions,
  type ResolvedExperimentOptions,
  resolveExperimentOptions,
} from './resolveExperimentOptions.ts';
import { summarize } from './summarize.ts';
import type {
  CallOutcome,
  CallRecord,
  EmergencyStop,
  ExperimentRecord,
  ExperimentReport,
  FaultWindow,
  HitRecord,
  ObservedBreaker,
  TransitionRecord,
} from './types.ts';

/** Event-loop turns a pending call gets before time moves: mocked I/O needs one or two. */
const idleTurns = 5;
/** Turns an aborted call gets to settle before it is reported `abandoned`. */
const abortTurns = 10;

/**
 * Runs a chaos experiment: injects `faults` into the MSW `server`, drives `load` through your
 * client, records what the `breaker` did and what reached the server, stops early when a guard
 * fails or `maxDurationMs` passes (the emergency stop), and checks the `hypothesis`.
 *
 * Faults stay installed after the run but let every request through; reset them with
 * `server.resetHandlers()` as usual.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const breaker = new CircuitBreaker({ clock, openMs: 1_000 });
 * const report = await runExperiment({
 *   server,
 *   breaker,
 *   clock,
 *   faults: [{ path: 'https://api.example.com/*', fault: statusStorm(503), endMs: 3_000 }],
 *   load: {
 *     calls: 60,
 *     intervalMs: 100,
 *     call: ({ signal }) => breaker.execute((inner) => getJson(url, inner), { signal }),
 *   },
 *   hypothesis: [opensWithin(10), maxRequestsWhileOpen(3), closesWithin(2_000)],
 *   maxDurationMs: 10_000,
 * });
 * expect(report.reasons).toEqual([]);
 * ```
 * @throws BreakwaterConfigError when an option is invalid
 */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentReport> {
  return new Experiment(options).run();
}

/** One run: its options, what it has seen so far and whether it must stop. */
class Experiment {
  readonly #options: ResolvedExperimentOptions;
  readonly #breaker: ObservedBreaker;
  readonly #clock: Clock;
  readonly #manual: ManualClock | undefined;
  readonly #windows: FaultWindow[];
  readonly #handlers: RequestHandler[];

  readonly #calls: CallRecord[] = [];
  readonly #transitions: TransitionRecord[] = [];
  readonly #hits: HitRecord[] = [];
  /** Where each request's hit is: a request passing several faults on its route is one hit. */
  readonly #hitOf = new WeakMap<Request, number>();
  #start = 0;
  #current = -1;
  #finished = false;
  #stop: EmergencyStop | undefined;
  #verdict: { outcome: CallOutcome; category: Category | undefined } | undefined;
  #rejected = false;

  constructor(options: ExperimentOptions) {
    const resolved = resolveExperimentOptions(options);
    this.#options = resolved;
    this.#breaker = resolved.breaker;
    this.#clock = resolved.clock;
    this.#manual = isManual(resolved.clock) ? resolved.clock : undefined;
    const built = buildFaults(resolved.faults, {
      elapsed: () => (this.#finished ? undefined : this.#elapsed()),
      hit: (request, fault, active) => this.#hit(request, fault, active),
    });
    this.#windows = built.windows;
    this.#handlers = built.handlers;
  }

  async run(): Promise<ExperimentReport> {
    const unsubscribe = this.#observe();
    this.#start = this.#clock.monotonic();
    this.#options.server.use(...this.#handlers);
    try {
      let due = 0;
      for (let index = 0; index < this.#options.load.calls && this.#stop === undefined; index++) {
        if (due > this.#options.maxDurationMs) {
          await this.#passTime(this.#options.maxDurationMs - this.#elapsed());
          this.#halt(
            'maxDuration',
            `${this.#options.maxDurationMs} ms passed before call ${index}`,
          );
          break;
        }
        await this.#passTime(due - this.#elapsed());
        due = this.#elapsed() + this.#options.load.intervalMs;
        await this.#call(index);
        if (this.#stop === undefined) this.#checkGuards();
      }
    } finally {
      this.#finished = true;
      unsubscribe();
    }
    return summarize(this.#options.name, this.#record(), this.#options.hypothesis, this.#stop);
  }

  /**
   * Records a request that reached a fault, once however many faults on its route it passes:
   * under the last active one that saw it (the one that answered it, if any answered), else
   * the first. MSW hands every handler the same `Request`, which keys it without holding it.
   */
  #hit(request: Request, fault: FaultWindow, active: boolean): void {
    const seen = this.#hitOf.get(request);
    if (seen === undefined) {
      this.#hitOf.set(request, this.#hits.length);
      this.#hits.push({
        atMs: this.#elapsed(),
        fault: fault.name,
        active,
        state: this.#breaker.state,
        callIndex: this.#current,
      });
    } else if (active) {
      this.#hits[seen] = { ...this.#hits[seen]!, fault: fault.name, active };
    }
  }

  #observe(): () => void {
    const breaker = this.#breaker;
    const off = [
      breaker.on('stateChange', ({ from, to, reason }) => {
        const atMs = this.#elapsed();
        this.#transitions.push({ atMs, from, to, reason, callIndex: this.#current });
      }),
      breaker.on('success', () => {
        this.#verdict = { outcome: 'success', category: undefined };
      }),
      breaker.on('failure', ({ category }) => {
        this.#verdict = { outcome: 'failure', category };
      }),
      breaker.on('ignored', ({ category }) => {
        this.#verdict = { outcome: 'ignored', category };
      }),
      breaker.on('rejected', () => {
        this.#rejected = true;
      }),
    ];
    return () => {
      for (const unsubscribe of off) unsubscribe();
    };
  }

  async #call(index: number): Promise<void> {
    this.#current = index;
    this.#verdict = undefined;
    this.#rejected = false;
    const startMs = this.#elapsed();
    const stateBefore = this.#breaker.state;
    const controller = new AbortController();
    const call = { settled: false, threw: false, error: undefined as unknown, aborted: false };
    const settled = new AbortController();
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(this.#options.load.call({ index, signal: controller.signal }));
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      () => {
        call.settled = true;
        settled.abort();
      },
      (error: unknown) => {
        Object.assign(call, { settled: true, threw: true, error });
        settled.abort();
      },
    );
    if (this.#manual !== undefined) await this.#settleManually(this.#manual, call, index);
    else await this.#settleInRealTime(settled.signal, index);
    if (!call.settled) {
      call.aborted = true;
      controller.abort(new DOMException('The chaos experiment was stopped.', 'AbortError'));
      for (let turn = 0; turn < abortTurns && !call.settled; turn++) await nextTurn();
    }
    this.#calls.push({
      index,
      startMs,
      endMs: this.#elapsed(),
      ...this.#outcome(call),
      stateBefore,
      stateAfter: this.#breaker.state,
      errorName: call.threw ? errorName(call.error) : undefined,
    });
  }

  /** Moves the manual clock only while the call waits on time, so runs are reproducible. */
  async #settleManually(
    clock: ManualClock,
    call: { settled: boolean },
    index: number,
  ): Promise<void> {
    for (;;) {
      for (let turn = 0; turn < idleTurns && !call.settled; turn++) await nextTurn();
      if (call.settled) return;
      const left = this.#options.maxDurationMs - this.#elapsed();
      if (left <= 0) {
        this.#halt('maxDuration', `${this.#options.maxDurationMs} ms passed during call ${index}`);
        return;
      }
      await clock.advance(Math.min(this.#options.tickMs, left));
    }
  }

  async #settleInRealTime(settled: AbortSignal, index: number): Promise<void> {
    const left = this.#options.maxDurationMs - this.#elapsed();
    if (await wait(this.#clock, Math.max(0, left), settled)) {
      this.#halt('maxDuration', `${this.#options.maxDurationMs} ms passed during call ${index}`);
    }
  }

  #outcome(call: { settled: boolean; threw: boolean; error: unknown; aborted: boolean }): {
    outcome: CallOutcome;
    category: Category | undefined;
  } {
    if (!call.settled) return { outcome: 'abandoned', category: undefined };
    if (call.threw && isBreakerOpenError(call.error)) {
      return { outcome: 'rejected', category: 'rejected' };
    }
    const verdict = this.#verdict;
    // The breaker said success, but the caller still got an error (parsing, its own checks).
    if (verdict?.outcome === 'success' && call.threw) {
      return { outcome: 'failure', category: 'unknown' };
    }
    if (verdict !== undefined) return verdict;
    if (this.#rejected) return { outcome: 'rejected', category: 'rejected' };
    // The experiment aborted the call: the breaker released its permit and recorded nothing.
    if (call.threw && call.aborted) return { outcome: 'ignored', category: 'cancelled' };
    // The call did not go through the breaker.
    return call.threw
      ? { outcome: 'failure', category: 'unknown' }
      : { outcome: 'success', category: undefined };
  }

  #checkGuards(): void {
    const record = this.#record(false);
    for (const guard of this.#options.guards) {
      const result = guard.evaluate(record);
      if (!result.ok) {
        this.#halt('guard', `${guard.description}: ${result.reason}`);
        return;
      }
    }
  }

  async #passTime(ms: number): Promise<void> {
    if (ms <= 0) return;
    if (this.#manual !== undefined) await this.#manual.advance(ms);
    else await wait(this.#clock, ms, undefined);
  }

  #halt(cause: EmergencyStop['cause'], reason: string): void {
    this.#stop ??= { cause, reason, atMs: this.#elapsed() };
  }

  #elapsed(): number {
    return this.#clock.monotonic() - this.#start;
  }

  #record(finished = true): ExperimentRecord {
    return {
      calls: this.#calls,
      transitions: this.#transitions,
      hits: this.#hits,
      faults: this.#windows,
      elapsedMs: this.#elapsed(),
      finished,
    };
  }
}

function isManual(clock: Clock): clock is ManualClock {
  return typeof (clock as Partial<ManualClock>).advance === 'function';
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : typeof error;
}

/**
 * Lets the event loop run once (mocked sockets and streams move on it). This is not a wait for
 * time: no duration is involved, and the clock is not read.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Node's, Deno's and Bun's `setImmediate`; browsers fall back to a zero timeout. */
const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
