import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import {
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectString,
  systemClock,
} from '@breakwater/core/adapter';
import type { RequestHandler } from 'msw';
import { readOptions } from '../internal/validate.ts';
import type { FaultInjection } from './injectFaults.ts';
import type { Check, ObservedBreaker } from './types.ts';

/** The calls an experiment makes through your client, one at a time. */
export interface LoadProfile {
  /** How many calls to make. */
  calls: number;
  /**
   * Milliseconds from the start of one call to the start of the next. A call that takes longer
   * delays the next one, which then starts as soon as it ends.
   */
  intervalMs: number;
  /**
   * Makes call number `index` through your client and breaker. Pass `signal` on: the
   * experiment aborts it on an emergency stop.
   */
  call: (context: { readonly index: number; readonly signal: AbortSignal }) => Promise<unknown>;
}

/** Where the faults are installed: an MSW `setupServer()` (or `setupWorker()`) instance. */
export interface FaultServer {
  /** Prepends request handlers, as MSW's `server.use()`. */
  use(...handlers: RequestHandler[]): void;
}

/** Options for {@link runExperiment}. */
export interface ExperimentOptions {
  /**
   * Names the experiment in its report.
   * @defaultValue `'experiment'`
   */
  name?: string;
  /** The MSW server the faults are added to (with `server.use()`). */
  server: FaultServer;
  /** The breaker your client uses: the experiment watches its state and verdicts. */
  breaker: ObservedBreaker;
  /** What to inject, where and when. */
  faults: readonly FaultInjection[];
  load: LoadProfile;
  /** The steady-state hypothesis, checked once the load is done. */
  hypothesis: Check | readonly Check[];
  /**
   * Checked after every call: the first that fails stops the experiment (emergency stop).
   * @defaultValue none
   */
  guards?: readonly Check[];
  /** Emergency stop: the experiment is aborted when this much time has passed. */
  maxDurationMs: number;
  /**
   * The clock your breaker and faults use. With a `ManualClock` the experiment moves time
   * itself: runs are deterministic and take no real time.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * With a `ManualClock`: how far time moves each time the pending call waits on time alone.
   * @defaultValue `1`
   */
  tickMs?: number;
}

/** {@link ExperimentOptions} checked, with defaults applied. Not part of the public API. */
export interface ResolvedExperimentOptions {
  readonly name: string;
  readonly server: FaultServer;
  readonly breaker: ObservedBreaker;
  readonly faults: readonly FaultInjection[];
  readonly load: LoadProfile;
  readonly hypothesis: readonly Check[];
  readonly guards: readonly Check[];
  readonly maxDurationMs: number;
  readonly clock: Clock;
  readonly tickMs: number;
}

/**
 * Validates the options of `runExperiment` once, rejecting unknown keys; the faults are checked
 * where their handlers are built. Not part of the public API.
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveExperimentOptions(options: ExperimentOptions): ResolvedExperimentOptions {
  const raw = readOptions('', options, {
    name: true,
    server: true,
    breaker: true,
    faults: true,
    load: true,
    hypothesis: true,
    guards: true,
    maxDurationMs: true,
    clock: true,
    tickMs: true,
  });
  const server = raw.server as FaultServer;
  expectFunction('server.use', server?.use);
  const breaker = raw.breaker as ObservedBreaker;
  expectFunction('breaker.on', breaker?.on);
  const load = readOptions('load', raw.load as LoadProfile, {
    calls: true,
    intervalMs: true,
    call: true,
  });
  return {
    name: expectString('name', raw.name ?? 'experiment'),
    server,
    breaker,
    faults: raw.faults as readonly FaultInjection[],
    load: {
      calls: expectInteger('load.calls', load.calls, 1),
      intervalMs: expectNumber('load.intervalMs', load.intervalMs, 0),
      call: expectFunction('load.call', load.call),
    },
    hypothesis: checks('hypothesis', raw.hypothesis),
    guards: raw.guards === undefined ? [] : checks('guards', raw.guards),
    maxDurationMs: expectNumber('maxDurationMs', raw.maxDurationMs, 0),
    clock: expectClock('clock', raw.clock ?? systemClock),
    tickMs: expectNumber('tickMs', raw.tickMs ?? 1, Number.MIN_VALUE),
  };
}

function checks(path: string, value: unknown): readonly Check[] {
  const list = (Array.isArray(value) ? value : [value]) as unknown[];
  if (list.length === 0) throw new BreakwaterConfigError(path, 'at least one check', value);
  list.forEach((item, i) => {
    expectFunction(`${path}[${i}].evaluate`, (item as Partial<Check> | undefined)?.evaluate);
  });
  return list as Check[];
}
