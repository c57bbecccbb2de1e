import CircuitBreaker, { type Options } from '@breakwater/opossum';
import Opossum from 'opossum';
import { vi } from 'vitest';
import { eventNames } from '../helpers.ts';

/**
 * Differential testing: the same scripted scenario runs through real opossum and through the
 * drop-in, on Vitest's fake timers (opossum reads `Date.now()` and arms real timers), and the two
 * transcripts of events, states, call results and stats must be equal.
 */

/** How a fired call ends: after `delayMs` of fake time (0: at once). */
export type Outcome = 'ok' | 'fail' | 'throw' | 'hang';

export type Step =
  /** `wait`: advance by `delayMs` and wait for the call (never with `'hang'`). */
  | { readonly fire: Outcome; readonly delayMs?: number; readonly wait?: boolean }
  | { readonly advance: number }
  | { readonly invoke: 'open' | 'close' | 'disable' | 'enable' | 'clearCache' | 'shutdown' }
  | { readonly healthCheck: 'ok' | 'fail'; readonly intervalMs: number };

/** Options that differ between calls are not allowed: opossum mutates the object it is given. */
export type ScenarioOptions = Omit<Options<[number, Outcome, number]>, 'breakwater'>;

/** What one implementation did. */
export interface Transcript {
  readonly log: readonly string[];
  readonly stats: Record<string, unknown>;
  readonly window: readonly Record<string, unknown>[];
}

type Breaker = CircuitBreaker<[number, Outcome, number], number>;

const start = Date.UTC(2026, 0, 1);

/** Runs `steps` through `implementation` and returns what happened. */
export async function runScenario(
  implementation: 'opossum' | 'breakwater',
  options: ScenarioOptions,
  steps: readonly Step[],
  withFallback = false,
): Promise<Transcript> {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
  vi.setSystemTime(start);
  try {
    return await run(implementation, options, steps, withFallback);
  } finally {
    vi.useRealTimers();
  }
}

async function run(
  implementation: 'opossum' | 'breakwater',
  options: ScenarioOptions,
  steps: readonly Step[],
  withFallback: boolean,
): Promise<Transcript> {
  const log: string[] = [];
  const action = (id: number, outcome: Outcome, delayMs: number): Promise<number> => {
    log.push(`action ${id}`);
    if (outcome === 'throw') throw new Error(`threw ${id}`);
    if (outcome === 'hang') return new Promise(() => undefined);
    if (delayMs === 0) {
      return outcome === 'ok' ? Promise.resolve(id) : Promise.reject(new Error(`failed ${id}`));
    }
    return new Promise((resolve, reject) =>
      setTimeout(
        () => (outcome === 'ok' ? resolve(id) : reject(new Error(`failed ${id}`))),
        delayMs,
      ),
    );
  };
  const Implementation = (implementation === 'opossum'
    ? Opossum
    : CircuitBreaker) as unknown as typeof CircuitBreaker;
  const breaker: Breaker = new Implementation(action, { ...options });
  for (const name of eventNames) {
    breaker.on(name as 'open', (...args: unknown[]) =>
      log.push(`${name}${args.length > 0 ? ` ${args.map(describe).join(' ')}` : ''}`),
    );
  }
  breaker.status.on('snapshot', (stats) => log.push(`snapshot fires=${stats.fires}`));
  if (withFallback)
    breaker.fallback((...args: unknown[]) => `fallback for ${describe(args.at(-1))}`);
  let next = 1;
  for (const step of steps) {
    if ('fire' in step) {
      const id = next++;
      const call = fire(breaker, id, step.fire, step.delayMs ?? 0).then(
        (value) => log.push(`call ${id} resolved ${describe(value)}`),
        (error: unknown) => log.push(`call ${id} rejected ${describe(error)}`),
      );
      // Waiting advances the fake time by the action's delay: the same for both implementations
      // (advancing "to the next timer" would not be, opossum runs timers the drop-in does not).
      if (step.wait === true) {
        if ((step.delayMs ?? 0) > 0) await vi.advanceTimersByTimeAsync(step.delayMs ?? 0);
        await call;
      }
    } else if ('advance' in step) {
      await vi.advanceTimersByTimeAsync(step.advance);
    } else if ('invoke' in step) {
      breaker[step.invoke]();
    } else if ('healthCheck' in step) {
      const fail = step.healthCheck === 'fail';
      breaker.healthCheck(
        () => (fail ? Promise.reject(new Error('unhealthy')) : Promise.resolve()),
        step.intervalMs,
      );
    } else {
      throw new Error(`runScenario: unknown step ${JSON.stringify(step)}`);
    }
    await vi.advanceTimersByTimeAsync(0);
    log.push(state(breaker));
  }
  const { latencyTimes, percentiles, latencyMean, ...counters } = breaker.stats;
  const transcript: Transcript = {
    log,
    stats: { ...counters, latencyTimes, percentiles, latencyMean },
    window: breaker.status.window.map((bucket) => ({ ...bucket })),
  };
  breaker.shutdown();
  return transcript;
}

/**
 * A disabled opossum throws the action's synchronous error out of `fire()`; the drop-in rejects
 * with it (a known difference, tested in differences.test.ts). Both become a rejection here so
 * the rest of the scenario still compares.
 */
function fire(breaker: Breaker, id: number, outcome: Outcome, delayMs: number): Promise<number> {
  try {
    return breaker.fire(id, outcome, delayMs);
  } catch (error) {
    return Promise.reject(error);
  }
}

function state(breaker: Breaker): string {
  const flags = ['closed', 'opened', 'halfOpen', 'pendingClose', 'enabled', 'isShutdown'] as const;
  return `state ${flags.filter((flag) => breaker[flag]).join(',')}`;
}

/** A short, comparable description of an event argument or a call's result. */
function describe(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as { code?: string }).code;
    return code === undefined ? `Error(${value.message})` : `${code}(${value.message})`;
  }
  if (Array.isArray(value)) return `[${value.map(describe).join(',')}]`;
  if (value instanceof Promise) return 'Promise';
  return JSON.stringify(value) ?? String(value);
}
