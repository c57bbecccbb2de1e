import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Outcome,
  runScenario,
  type ScenarioOptions,
  type Step,
} from './differential/runScenario.ts';

/** Runs the scenario through opossum and the drop-in; both transcripts must be equal. */
async function same(options: ScenarioOptions, steps: readonly Step[], withFallback = false) {
  const expected = await runScenario('opossum', options, steps, withFallback);
  const actual = await runScenario('breakwater', options, steps, withFallback);
  expect(actual.log).toEqual(expected.log);
  expect(actual.stats).toEqual(expected.stats);
  expect(actual.window).toEqual(expected.window);
  return actual;
}

const base: ScenarioOptions = {
  timeout: 300,
  resetTimeout: 1_000,
  rollingCountTimeout: 2_000,
  rollingCountBuckets: 4,
};

describe('differential: the same scenario through opossum and the drop-in', () => {
  it('opens, rejects, half-opens on the timer, and closes on a successful trial', async () => {
    const { log } = await same(base, [
      { fire: 'ok', delayMs: 20, wait: true },
      { fire: 'fail', wait: true },
      { fire: 'fail', delayMs: 10, wait: true },
      { fire: 'ok' },
      { advance: 1_000 },
      { fire: 'ok', delayMs: 50 },
      { fire: 'ok' },
      { advance: 50 },
      { fire: 'ok', wait: true },
    ]);
    expect(log).toContain('halfOpen 1000');
  });

  it('re-opens on a failed trial and half-opens again', async () => {
    await same(base, [
      { fire: 'fail', wait: true },
      { advance: 1_000 },
      { fire: 'fail', delayMs: 30, wait: true },
      { advance: 1_000 },
      { fire: 'throw', wait: true },
      { advance: 999 },
      { advance: 1 },
      { fire: 'ok', wait: true },
    ]);
  });

  it('times out slow calls, counts timeouts and failures, and calls the fallback', async () => {
    await same(
      { ...base, volumeThreshold: 3 },
      [
        // Deadlines 10 ms apart: calls that time out at the same instant fail in one timer turn
        // here, in one turn each in opossum (differences.test.ts).
        { fire: 'hang' },
        { advance: 10 },
        { fire: 'ok', delayMs: 400 },
        { advance: 10 },
        { fire: 'ok', delayMs: 100 },
        { advance: 280 },
        { advance: 100 },
        { fire: 'fail', wait: true },
        { fire: 'ok', wait: true },
      ],
      true,
    );
  });

  it('respects volumeThreshold and errorThresholdPercentage over a rotating window', async () => {
    const steps: Step[] = [];
    for (let i = 0; i < 12; i++) {
      steps.push({ fire: i % 3 === 0 ? 'fail' : 'ok', delayMs: 5, wait: true });
      steps.push({ advance: 260 });
    }
    steps.push(
      { fire: 'fail', wait: true },
      { fire: 'fail', wait: true },
      { fire: 'fail', wait: true },
    );
    await same({ ...base, volumeThreshold: 5, errorThresholdPercentage: 40 }, steps);
  });

  it('opens only above errorThresholdPercentage, never at it', async () => {
    await same({ ...base, volumeThreshold: 5, errorThresholdPercentage: 40 }, [
      { fire: 'ok', wait: true },
      { fire: 'ok', wait: true },
      { fire: 'ok', wait: true },
      { fire: 'fail', wait: true },
      { fire: 'fail', wait: true },
      { fire: 'fail', wait: true },
    ]);
  });

  it('limits concurrency with capacity (semaphoreLocked counts as a failure)', async () => {
    await same({ ...base, capacity: 2, volumeThreshold: 4 }, [
      { fire: 'ok', delayMs: 100 },
      { fire: 'ok', delayMs: 100 },
      { fire: 'ok', delayMs: 100 },
      { fire: 'ok', delayMs: 100 },
      { advance: 100 },
      { fire: 'ok', wait: true },
    ]);
  });

  it('handles open(), close(), disable() and enable() by hand', async () => {
    await same(base, [
      { invoke: 'open' },
      { fire: 'ok', wait: true },
      { invoke: 'disable' },
      { fire: 'fail', wait: true },
      { invoke: 'enable' },
      { advance: 600 },
      { invoke: 'open' },
      { advance: 400 },
      { invoke: 'close' },
      { fire: 'ok', wait: true },
      { invoke: 'open' },
      { advance: 1_000 },
      { invoke: 'open' },
      { advance: 1_000 },
    ]);
  });

  it('opens on a failing health check', async () => {
    await same(base, [
      { healthCheck: 'fail', intervalMs: 700 },
      { advance: 1_000 },
      { fire: 'ok', wait: true },
      { advance: 400 },
    ]);
  });

  it('emits snapshots at the bucket boundaries', async () => {
    await same(base, [
      { fire: 'ok', wait: true },
      { advance: 1_250 },
      { fire: 'fail', wait: true },
      { advance: 2_000 },
    ]);
  });

  it('caches and coalesces the same way', async () => {
    await same({ ...base, cache: true, cacheTTL: 500, cacheGetKey: () => 'one key' }, [
      { fire: 'ok', delayMs: 10, wait: true },
      { fire: 'fail', wait: true },
      { advance: 500 },
      { fire: 'ok', wait: true },
      { invoke: 'clearCache' },
      { fire: 'ok', wait: true },
    ]);
    await same({ ...base, coalesce: true, coalesceTTL: 100, cacheGetKey: () => 'one key' }, [
      { fire: 'ok', delayMs: 50 },
      { fire: 'fail', delayMs: 50 },
      { advance: 50 },
      { fire: 'ok', wait: true },
      { advance: 60 },
      { fire: 'fail', wait: true },
    ]);
  });

  it('shuts down the same way', async () => {
    await same(base, [
      { fire: 'ok', wait: true },
      { invoke: 'shutdown' },
      { fire: 'ok', wait: true },
    ]);
  });
});

const outcome = fc.constantFrom<Outcome>('ok', 'fail', 'throw');

/**
 * Times are chosen so that no two things happen at the same instant. At a tie, opossum's order
 * follows the order its timers were created in (its rotation interval, a call's timeout and the
 * action's own timer), which no implementation on other timers can copy exactly; real timers
 * never tie to the microsecond, fake ones do, and would test that accident. So: steps move time
 * in tens of milliseconds after a first step of 5 ms (calls, timeouts and state changes fall at
 * 5 mod 10, bucket boundaries at 0), and an action takes 3 mod 10 ms (it settles at 8 mod 10),
 * followed by 7 ms to realign.
 */
const tens = (max: number) => fc.integer({ min: 0, max: max / 10 }).map((n) => n * 10);

/** Calls one after the other (no call outlives a state change), time passing, hand operations. */
const step: fc.Arbitrary<Step[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ fire: outcome, delayMs: tens(600).map((ms) => ms + 3), wait: fc.constant(true) })
      .map((fire): Step[] => [fire, { advance: 7 }]),
  },
  { weight: 2, arbitrary: fc.record({ advance: tens(1_500) }).map((advance): Step[] => [advance]) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        invoke: fc.constantFrom<'open' | 'close' | 'disable' | 'enable'>(
          'open',
          'close',
          'disable',
          'enable',
        ),
      })
      .map((invoke): Step[] => [invoke]),
  },
);

const scenarioOptions: fc.Arbitrary<ScenarioOptions> = fc
  .record({
    timeout: fc.oneof(
      fc.constant(false as const),
      tens(500).filter((ms) => ms > 0),
    ),
    // 0 is left out: opossum's 0 ms timer fires a tick later, and rejects the calls before it;
    // the core half-opens when the period is over (differences.test.ts).
    resetTimeout: tens(2_000).filter((ms) => ms > 0),
    // Round percentages often: only they can equal a failure ratio (opossum opens strictly above).
    errorThresholdPercentage: fc.oneof(
      fc.integer({ min: 0, max: 100 }),
      fc.constantFrom(0, 25, 50, 75, 100),
    ),
    volumeThreshold: fc.integer({ min: 0, max: 6 }),
    bucketMs: tens(500).filter((ms) => ms > 0),
    rollingCountBuckets: fc.integer({ min: 1, max: 10 }),
    allowWarmUp: fc.boolean(),
  })
  .map(({ bucketMs, ...options }) => ({
    ...options,
    rollingCountTimeout: bucketMs * options.rollingCountBuckets,
  }));

describe('differential, property-based', () => {
  it('agrees with opossum on any sequence of calls, time and hand operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioOptions,
        fc.array(step, { maxLength: 40 }),
        async (options, groups) => {
          const steps = groups.flat();
          // A trial call that fails during opossum's warm-up leaves it half-open for ever: a known
          // difference (differences.test.ts). Only open() can half-open a warming-up breaker here.
          fc.pre(!(options.allowWarmUp && steps.some((s) => 'invoke' in s && s.invoke === 'open')));
          const scenario: Step[] = [{ advance: 5 }, ...steps];
          const expected = await runScenario('opossum', options, scenario);
          const actual = await runScenario('breakwater', options, scenario);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
