import { failTimes, rejectNow, resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';

const failureCount = 5;

/** A stackless error: capturing a stack costs microseconds, more than the rest of a rejection. */
function openError(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error('baseline: breaker is open');
  Error.stackTraceLimit = limit;
  return error;
}

function abortOnTimeout(controller: AbortController): void {
  controller.abort(new Error('baseline: timed out'));
}

/**
 * The least a breaker that observes outcomes can do: one `.then` on the action's own promise with
 * handlers bound once, a consecutive-failure count, and a stackless rejection while open. It is
 * the practical floor for any real breaker, not a usable one (it never closes again).
 */
class MinimalBreaker {
  #failures = 0;
  #open = false;

  readonly #onOk = <T>(value: T): T => {
    this.#failures = 0;
    return value;
  };

  readonly #onErr = (error: unknown): never => {
    if (++this.#failures >= failureCount) this.#open = true;
    throw error;
  };

  get open(): boolean {
    return this.#open;
  }

  execute<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#open) return Promise.reject(openError());
    return fn().then(this.#onOk, this.#onErr);
  }

  /** The same, plus one AbortController and one setTimeout/clearTimeout per call. */
  executeWithTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
    if (this.#open) return Promise.reject(openError());
    const controller = new AbortController();
    const timer = setTimeout(abortOnTimeout, timeoutMs, controller);
    return fn(controller.signal).then(
      (value) => {
        clearTimeout(timer);
        return this.#onOk(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        return this.#onErr(error);
      },
    );
  }
}

const thenConfig = 'fn().then(onOk, onErr), handlers bound once, consecutive(5)';

export const baselineThenClosed: Impl = {
  name: 'baseline-then',
  config: thenConfig,
  create() {
    const breaker = new MinimalBreaker();
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('baseline-then', 'resolved a wrong value');
          }
        }
      },
      dispose() {},
    };
  },
};

export const baselineTimeoutClosed: Impl = {
  name: 'baseline-timeout',
  config: `${thenConfig}, plus new AbortController() + setTimeout(abort, 1000) + clearTimeout per call`,
  create() {
    const breaker = new MinimalBreaker();
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.executeWithTimeout(resolveOne, 1000)) !== 1) {
            throw unexpected('baseline-timeout', 'resolved a wrong value');
          }
        }
      },
      dispose() {},
    };
  },
};

export const baselineThenOpen: Impl = {
  name: 'baseline-then',
  config: `${thenConfig}; tripped by 5 failures; open: Promise.reject(stackless Error)`,
  async create() {
    const breaker = new MinimalBreaker();
    await failTimes(failureCount, () => breaker.execute(rejectNow));
    if (!breaker.open) throw unexpected('baseline-then', 'did not open after 5 failures');
    return {
      async run(count) {
        let rejected = 0;
        for (let i = 0; i < count; i++) {
          try {
            await breaker.execute(resolveOne);
          } catch {
            rejected++;
          }
        }
        if (rejected !== count) throw unexpected('baseline-then', 'let a call through while open');
      },
      dispose() {},
    };
  },
};

const reusedOpenError = openError();
const rethrowOpenError = (error: unknown): never => {
  throw error;
};

/**
 * The floor of any open-state rejection: a fresh rejected promise of one reused stackless error,
 * rejected one microtask late (`Promise.resolve(error).then(rethrow)`) so that it never enters
 * Node's unhandled-rejection bookkeeping, which a plain `Promise.reject()` does (measured here:
 * 1.6–2× dearer). No state is read and no error is built: what is left is the promise machinery
 * every rejection pays.
 */
export const floorOpen: Impl = {
  name: 'floor',
  config: 'Promise.resolve(reusedStacklessError).then(rethrow), awaited and caught',
  create() {
    return {
      async run(count) {
        let rejected = 0;
        for (let i = 0; i < count; i++) {
          try {
            await Promise.resolve(reusedOpenError).then(rethrowOpenError);
          } catch {
            rejected++;
          }
        }
        if (rejected !== count) throw unexpected('floor', 'resolved a call');
      },
      dispose() {},
    };
  },
};
