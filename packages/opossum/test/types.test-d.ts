/**
 * Type tests: every declaration of `@types/opossum` 8.1 exercised against the drop-in, as
 * DefinitelyTyped's `opossum-tests.ts` does against opossum, plus checks that our declarations are
 * a superset (what code written for `@types/opossum` passes in is accepted, what it reads is
 * there with a type at least as precise). Checked by `tsc -b`.
 */
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { ManualClock, onStatus, success } from '@breakwater/core';
import CircuitBreaker, {
  type BreakwaterOptions,
  type OpossumError,
  type Options,
  type Stats,
} from '@breakwater/opossum';
import type Opossum from 'opossum';
import { expectTypeOf } from 'vitest';

let breaker: CircuitBreaker;
const callbackNoArgs = async () => console.log('foo');

// Statics.
expectTypeOf(CircuitBreaker.isOurError(new Error())).toEqualTypeOf<boolean>();
expectTypeOf(CircuitBreaker.isOurError(undefined)).toEqualTypeOf<boolean>();
const status = CircuitBreaker.newStatus({
  rollingCountBuckets: 10,
  rollingCountTimeout: 1000,
  rollingPercentilesEnabled: true,
  enableSnapshots: true,
  rotateBucketController: new EventEmitter(),
  stats: { fires: 1 } as Stats,
});
expectTypeOf(status).toExtend<CircuitBreaker.Status>();
expectTypeOf(status.stats).toEqualTypeOf<CircuitBreaker.Stats>();
expectTypeOf(status.window).toEqualTypeOf<CircuitBreaker.Window>();
status.on('snapshot', (snapshot) => {
  expectTypeOf(snapshot).toEqualTypeOf<CircuitBreaker.Stats>();
});

// Every option of @types/opossum's Options.
breaker = new CircuitBreaker(async () => true, {
  status,
  timeout: 1000,
  maxFailures: 50,
  resetTimeout: 10,
  rollingCountTimeout: 500,
  rollingCountBuckets: 20,
  name: 'test',
  group: 'group',
  rollingPercentilesEnabled: true,
  capacity: 1,
  errorThresholdPercentage: 1,
  enabled: true,
  allowWarmUp: true,
  volumeThreshold: 1,
  errorFilter: (err) => {
    expectTypeOf(err).toBeAny();
    return true;
  },
  cache: true,
  cacheTTL: 100,
  cacheGetKey: () => 'key',
  cacheTransport: { get: (key: string) => key, set: () => undefined, flush: () => undefined },
  abortController: new AbortController(),
  autoRenewAbortController: true,
  enableSnapshots: false,
  rotateBucketController: new EventEmitter(),
});
new CircuitBreaker(async () => true, { timeout: false });

// Properties.
expectTypeOf(breaker.name).toEqualTypeOf<string>();
expectTypeOf(breaker.group).toEqualTypeOf<string>();
expectTypeOf(breaker.enabled).toEqualTypeOf<boolean>();
expectTypeOf(breaker.pendingClose).toEqualTypeOf<boolean>();
expectTypeOf(breaker.closed).toEqualTypeOf<boolean>();
expectTypeOf(breaker.opened).toEqualTypeOf<boolean>();
expectTypeOf(breaker.halfOpen).toEqualTypeOf<boolean>();
expectTypeOf(breaker.isShutdown).toEqualTypeOf<boolean>();
expectTypeOf(breaker.warmUp).toEqualTypeOf<boolean>();
expectTypeOf(breaker.volumeThreshold).toEqualTypeOf<number>();
expectTypeOf(breaker.status).toExtend<CircuitBreaker.Status>();
expectTypeOf(breaker.stats).toEqualTypeOf<CircuitBreaker.Stats>();
expectTypeOf(breaker.status.stats.latencyMean).toEqualTypeOf<number>();
expectTypeOf(breaker.stats.latencyTimes).toEqualTypeOf<number[]>();
expectTypeOf(breaker.stats.percentiles[0.5]).toEqualTypeOf<number | undefined>();

// Methods.
expectTypeOf(breaker.clearCache()).toEqualTypeOf<void>();
expectTypeOf(breaker.open()).toEqualTypeOf<void>();
expectTypeOf(breaker.close()).toEqualTypeOf<void>();
expectTypeOf(breaker.disable()).toEqualTypeOf<void>();
expectTypeOf(breaker.enable()).toEqualTypeOf<void>();
expectTypeOf(breaker.shutdown()).toEqualTypeOf<void>();
expectTypeOf(breaker.healthCheck(async () => undefined, 5000)).toEqualTypeOf<void>();
breaker.healthCheck(() => Promise.resolve());
expectTypeOf(breaker.fallback(callbackNoArgs)).toEqualTypeOf<CircuitBreaker>();
expectTypeOf(
  breaker.fallback(new CircuitBreaker(async (id: number) => id)),
).toEqualTypeOf<CircuitBreaker>();
expectTypeOf(breaker.call({ self: true })).toEqualTypeOf<Promise<unknown>>();
expectTypeOf(breaker.getSignal()).toEqualTypeOf<AbortSignal | undefined>();
expectTypeOf(breaker.getAbortController()).toEqualTypeOf<AbortController | undefined>();
const json = breaker.toJSON();
expectTypeOf(json.status).toEqualTypeOf<CircuitBreaker.Stats>();
expectTypeOf(json.state).toEqualTypeOf<CircuitBreaker.State>();
expectTypeOf(json.state.name).toEqualTypeOf<string>();
expectTypeOf(json.state.open).toEqualTypeOf<boolean>();
// `any`, as assignable as @types/opossum's `symbol` (the value is `Date.now()` or undefined).
expectTypeOf(json.state.lastTimerAt).toBeAny();

// Generics flow from the action to fire(), call() and the events.
const action = async (foo: string, bar: number) => (foo ? bar : bar * 2);
const typedBreaker = new CircuitBreaker(action);
expectTypeOf(typedBreaker).toEqualTypeOf<CircuitBreaker<[foo: string, bar: number], number>>();
// @ts-expect-error: the arguments are the action's
typedBreaker.fire(5, 'hello');
expectTypeOf(typedBreaker.fire('hello world', 42)).toEqualTypeOf<Promise<number>>();
expectTypeOf(typedBreaker.call(undefined, 'a', 1)).toEqualTypeOf<Promise<number>>();
typedBreaker.on('success', (result, latencyMs) => {
  expectTypeOf(result).toEqualTypeOf<number>();
  expectTypeOf(latencyMs).toEqualTypeOf<number>();
});
typedBreaker.on('fire', ([foo, bar]) => {
  expectTypeOf(foo).toEqualTypeOf<string>();
  expectTypeOf(bar).toEqualTypeOf<number>();
});
typedBreaker.on('failure', (err, latencyMs, args) => {
  expectTypeOf(err).toEqualTypeOf<Error>();
  expectTypeOf(latencyMs).toEqualTypeOf<number>();
  expectTypeOf(args).toEqualTypeOf<[foo: string, bar: number]>();
});
typedBreaker.on('timeout', (err) => expectTypeOf(err).toEqualTypeOf<Error>());
typedBreaker.on('reject', (err) => expectTypeOf(err).toEqualTypeOf<Error>());
typedBreaker.on('semaphoreLocked', (err) => expectTypeOf(err).toEqualTypeOf<Error>());
typedBreaker.on('healthCheckFailed', (err) => expectTypeOf(err).toEqualTypeOf<Error>());
typedBreaker.on('fallback', (result, err) => {
  expectTypeOf(result).toBeUnknown();
  expectTypeOf(err).toEqualTypeOf<Error>();
});
typedBreaker.on('halfOpen', (resetTimeout) => expectTypeOf(resetTimeout).toEqualTypeOf<number>());
expectTypeOf(typedBreaker.on('close', callbackNoArgs)).toEqualTypeOf(typedBreaker);
typedBreaker.on('open', callbackNoArgs).on('shutdown', callbackNoArgs);
typedBreaker.on('cacheHit', callbackNoArgs).on('cacheMiss', callbackNoArgs);
typedBreaker.on('coalesceCacheHit', () => undefined).on('coalesceCacheMiss', () => undefined);
// @ts-expect-error: events are opossum's
typedBreaker.on('stateChange', () => undefined);
// Inherited EventEmitter methods stay untyped, as with @types/opossum.
typedBreaker.once('halfOpen', () => undefined).removeAllListeners('open');

// An action may also return a plain value (opossum wraps it).
expectTypeOf(new CircuitBreaker((n: number) => n + 1).fire(1)).toEqualTypeOf<Promise<number>>();

// The examples of opossum's README and documentation.
function asyncFunctionThatCouldFail(x: unknown, y: unknown) {
  return new Promise((resolve) => resolve([x, y]));
}
const options: CircuitBreaker.Options = {
  timeout: 3000,
  errorThresholdPercentage: 50,
  resetTimeout: 30000,
};
breaker = new CircuitBreaker(asyncFunctionThatCouldFail, options);
breaker.fire('foo').then(console.log).catch(console.error);
breaker.fallback(() => 'Sorry, out of service right now');
breaker.on('fallback', (result) => console.log(result));
breaker = new CircuitBreaker(callbackNoArgs, options);
breaker.fallback(callbackNoArgs);
breaker.on('success', (result) => console.log(result));
breaker.on('timeout', callbackNoArgs);
breaker.on('reject', callbackNoArgs);
breaker.on('open', callbackNoArgs);
breaker.on('halfOpen', callbackNoArgs);
breaker.on('close', callbackNoArgs);
breaker.on('fallback', (data) => console.log(data));
const readFile = promisify(fs.readFile);
breaker = new CircuitBreaker(readFile, options);
breaker.fire('./package.json', 'utf-8').then(console.log).catch(console.error);
breaker = new CircuitBreaker(readFile, {});
new CircuitBreaker(readFile, { rollingCountBuckets: 10, rollingCountTimeout: 1000 });
const theStats: CircuitBreaker.Stats = breaker.status.stats;
const window: CircuitBreaker.Window = breaker.status.window;
expectTypeOf(window[0]!.fires).toEqualTypeOf<number>();
expectTypeOf(theStats.semaphoreRejections).toEqualTypeOf<number>();

// The namespace's types, as @types/opossum declares them.
const bucket: CircuitBreaker.Bucket = {
  failures: 0,
  fallbacks: 0,
  successes: 0,
  rejects: 0,
  fires: 0,
  timeouts: 0,
  cacheHits: 0,
  cacheMisses: 0,
  coalesceCacheHits: 0,
  coalesceCacheMisses: 0,
  semaphoreRejections: 0,
  percentiles: {},
  latencyTimes: [],
};
const statsValue: CircuitBreaker.Stats = { ...bucket, latencyMean: 0 };
const memoryCache: CircuitBreaker.MemoryCache = { get: () => undefined, set() {}, flush() {} };
const transport: CircuitBreaker.CacheTransport = memoryCache;
const statusOptions: CircuitBreaker.StatusOptions = { stats: statsValue };
void [transport, statusOptions];

// Superset: what code typed with @types/opossum passes in, ours accepts...
const theirOptions: CircuitBreaker.Options = {} as Opossum.Options;
void theirOptions;
expectTypeOf<Opossum.StatusOptions>().toExtend<CircuitBreaker.StatusOptions>();
expectTypeOf<Opossum.CacheTransport>().toExtend<CircuitBreaker.CacheTransport>();
expectTypeOf<Opossum.Stats>().toExtend<Partial<CircuitBreaker.Stats>>();
// ...and what it reads from ours, it finds with its types.
expectTypeOf<CircuitBreaker.Stats>().toExtend<Opossum.Stats>();
expectTypeOf<CircuitBreaker.Window>().toExtend<Opossum.Window>();
expectTypeOf<CircuitBreaker.Bucket>().toExtend<Opossum.Bucket>();
expectTypeOf<CircuitBreaker.State>().toExtend<Opossum.State>();
expectTypeOf<CircuitBreaker.Status>().toExtend<Opossum.Status>();

// Beyond opossum: options.breakwater, typed with the core's options.
const withBreakwater: Options<[string]> = {
  breakwater: {
    classify: [onStatus(404, success())],
    openOnRetryAfter: true,
    maxRetryAfterMs: 60_000,
    halfOpen: { maxProbes: 3, successCount: 2, probeTimeoutMs: 10_000 },
    openMs: 5_000,
    maxRecoveryAttempts: 10,
    clock: new ManualClock(),
    onListenerError: (error, event) => console.error(event, error),
  } satisfies BreakwaterOptions,
  coalesce: true,
  coalesceTTL: false,
  coalesceSize: 100,
  coalesceResetOn: ['error', 'timeout'],
  cacheSize: 1_000,
  state: { closed: false, lastTimerAt: Date.now() },
};
new CircuitBreaker(async (id: string) => id, withBreakwater);
// @ts-expect-error: breakwater options are checked
new CircuitBreaker(async () => 1, { breakwater: { retries: 3 } });
expectTypeOf(breaker.breakwater.snapshot().state).toEqualTypeOf<
  'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled'
>();
const ourError = {} as OpossumError;
expectTypeOf(ourError.code).toEqualTypeOf<
  'EOPENBREAKER' | 'ETIMEDOUT' | 'ESEMLOCKED' | 'ESHUTDOWN'
>();
// A drop-in breaker goes wherever code typed for opossum takes one (metrics exporters).
const asTheirs: Opossum<[string], number> = new CircuitBreaker(async (id: string) => id.length);
const manyOfTheirs: Opossum[] = [breaker, typedBreaker, asTheirs];
void manyOfTheirs;
