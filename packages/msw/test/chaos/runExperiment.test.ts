import { CircuitBreaker, ManualClock, pipeline, timeout } from '@breakwater/core';
import { systemClock } from '@breakwater/core/adapter';
import {
  closesWithin,
  type ExperimentOptions,
  failRandomly,
  failTimes,
  failureRateBelow,
  hang,
  latency,
  maxRequestsWhileOpen,
  opensWithin,
  runExperiment,
  statusStorm,
  staysClosed,
} from '@breakwater/msw';
import { describe, expect, it } from 'vitest';
import { getJson } from '../support/getJson.ts';
import { api, healthy, statusOf, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);
const ticker = `${api}/ticker`;

/** A breaker on a ManualClock and the load that drives `breaker.execute(() => fetch(…))`. */
function setup(breakerOptions: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = new ManualClock({ seed: 5 });
  const breaker = new CircuitBreaker({
    clock,
    strategy: { type: 'consecutive', failureCount: 5 },
    openMs: 1_000,
    ...breakerOptions,
  });
  const load: ExperimentOptions['load'] = {
    calls: 60,
    intervalMs: 100,
    call: ({ signal }) => breaker.execute((inner) => getJson(ticker, inner), { signal }),
  };
  return { clock, breaker, load };
}

describe('runExperiment', () => {
  it('passes when the breaker opens, holds requests back and closes after recovery', async () => {
    const { clock, breaker, load } = setup();
    const report = await runExperiment({
      name: '503 storm',
      server,
      breaker,
      clock,
      faults: [
        { method: 'GET', path: ticker, fault: statusStorm(503), startMs: 500, endMs: 3_000 },
      ],
      load,
      hypothesis: [opensWithin(10), maxRequestsWhileOpen(3), closesWithin(2_000)],
      maxDurationMs: 10_000,
    });
    expect(report.reasons).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.checks).toEqual([
      { description: 'opens within 10 calls', ok: true, reason: 'opened after 5 calls (limit 10)' },
      {
        description: 'at most 3 requests reach the server while open',
        ok: true,
        reason: '3 requests reached the server while open or half-open (limit 3)',
      },
      {
        description: 'closes within 2000 ms after recovery',
        ok: true,
        reason: 'closed 900 ms after recovery (limit 2000 ms)',
      },
    ]);
    expect(report.calls).toEqual({
      total: 60,
      succeeded: 26,
      failed: 7,
      ignored: 0,
      rejected: 27,
      abandoned: 0,
      failuresByCategory: { server: 7 },
    });
    expect(report.serverHits).toEqual({
      total: 33,
      whileOpen: 3,
      byFault: { [`GET ${ticker}`]: 33 },
    });
    expect(report.timeline.map(({ atMs, from, to }) => `${atMs} ${from}->${to}`)).toEqual([
      '900 closed->open',
      '1900 open->half_open',
      '1900 half_open->open',
      '2900 open->half_open',
      '2900 half_open->open',
      '3900 open->half_open',
      '3900 half_open->closed',
    ]);
    expect(report.durationMs).toBe(5_900);
    expect(report.stop).toBeUndefined();
    breaker.dispose();
  });

  it('counts each request once when several faults on its route see it', async () => {
    const { clock, breaker } = setup();
    let sent = 0;
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [
        { name: 'first', path: ticker, fault: statusStorm(503), startMs: 500, endMs: 3_000 },
        { name: 'second', path: ticker, fault: statusStorm(500), startMs: 6_000, endMs: 8_000 },
        { name: 'never', path: ticker, fault: statusStorm(500), startMs: 60_000 },
      ],
      load: {
        calls: 100,
        intervalMs: 100,
        call: ({ signal }) =>
          breaker.execute(
            (inner) => {
              sent++;
              return getJson(ticker, inner);
            },
            { signal },
          ),
      },
      hypothesis: [maxRequestsWhileOpen(5)],
      maxDurationMs: 20_000,
    });
    const probes = report.timeline.filter(({ to }) => to === 'half_open').length;
    expect(probes).toBe(5);
    expect(report.serverHits.total).toBe(sent);
    expect(report.serverHits.total).toBe(report.calls.total - report.calls.rejected);
    expect(report.serverHits.whileOpen).toBe(probes);
    expect(report.checks[0]?.reason).toBe(
      '5 requests reached the server while open or half-open (limit 5)',
    );
    const { first = 0, second = 0, never } = report.serverHits.byFault;
    expect(first + second).toBe(sent);
    expect(never).toBe(0);
    // Answered by `second` while it was active: the failures that opened it, and its probes.
    const answeredBySecond = report.record.hits.filter(
      (hit) => hit.atMs >= 6_000 && hit.atMs < 8_000,
    );
    expect(answeredBySecond.every((hit) => hit.fault === 'second' && hit.active)).toBe(true);
    expect(second).toBe(answeredBySecond.length);
    breaker.dispose();
  });

  it('fails with the reasons of the checks that did not hold', async () => {
    const { clock, breaker, load } = setup();
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: statusStorm(503), endMs: 3_000 }],
      load,
      hypothesis: [opensWithin(3), maxRequestsWhileOpen(1), staysClosed()],
      maxDurationMs: 10_000,
    });
    expect(report.passed).toBe(false);
    expect(report.reasons).toEqual([
      'opens within 3 calls: opened after 5 calls (limit 3)',
      'at most 1 requests reach the server while open: 3 requests reached the server while open or half-open (limit 1)',
      'stays closed: went open at 400 ms (call 4)',
    ]);
    breaker.dispose();
  });

  it('stops at once when a guard fails (emergency stop)', async () => {
    const clock = new ManualClock();
    // A client with no breaker in front: nothing holds the requests back.
    const breaker = new CircuitBreaker({ clock });
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: failTimes(Infinity) }],
      load: { calls: 50, intervalMs: 100, call: ({ signal }) => getJson(ticker, signal) },
      hypothesis: opensWithin(10),
      guards: [failureRateBelow(0.5, { minCalls: 5 })],
      maxDurationMs: 60_000,
    });
    expect(report.passed).toBe(false);
    expect(report.stop).toEqual({
      cause: 'guard',
      reason: 'failure rate below 0.5: failure rate 1 (5 of 5 calls, limit 0.5)',
      atMs: 400,
    });
    expect(report.calls.total).toBe(5);
    expect(report.reasons[0]).toBe(
      'emergency stop at 400 ms: failure rate below 0.5: failure rate 1 (5 of 5 calls, limit 0.5)',
    );
    breaker.dispose();
  });

  it('aborts the pending call when maxDurationMs passes', async () => {
    const { clock, breaker } = setup();
    const report = await runExperiment({
      server,
      breaker,
      clock,
      tickMs: 50,
      faults: [{ path: ticker, fault: hang() }],
      load: {
        calls: 10,
        intervalMs: 100,
        call: ({ signal }) => breaker.execute((inner) => getJson(ticker, inner), { signal }),
      },
      hypothesis: opensWithin(5),
      maxDurationMs: 2_000,
    });
    expect(report.stop).toEqual({
      cause: 'maxDuration',
      reason: '2000 ms passed during call 0',
      atMs: 2_000,
    });
    expect(report.record.calls).toEqual([
      {
        index: 0,
        startMs: 0,
        endMs: 2_000,
        outcome: 'ignored',
        category: 'cancelled',
        stateBefore: 'closed',
        stateAfter: 'closed',
        errorName: 'AbortError',
      },
    ]);
    expect(clock.pendingTimers).toBe(0);
    breaker.dispose();
  });

  it('reports a call that ignores the abort as abandoned', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    const report = await runExperiment({
      server,
      breaker,
      clock,
      tickMs: 100,
      faults: [{ path: ticker, fault: hang() }],
      load: { calls: 1, intervalMs: 0, call: () => new Promise(() => undefined) },
      hypothesis: staysClosed(),
      maxDurationMs: 1_000,
    });
    expect(report.calls.abandoned).toBe(1);
    expect(report.passed).toBe(false);
    breaker.dispose();
  });

  it('counts slow answers past the deadline as timeouts', async () => {
    const { clock, breaker, load } = setup();
    const deadline = pipeline(breaker, timeout(1_000, { clock }));
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: latency(5_000, { clock }), endMs: 5_000 }],
      load: {
        ...load,
        calls: 40,
        call: ({ signal }) => deadline.execute((inner) => getJson(ticker, inner), { signal }),
      },
      hypothesis: [opensWithin(5), closesWithin(3_000)],
      maxDurationMs: 30_000,
    });
    expect(report.reasons).toEqual([]);
    expect(report.calls.failuresByCategory).toEqual({ timeout: 5 });
    expect(report.record.calls.slice(0, 2)).toMatchObject([
      { startMs: 0, endMs: 1_000, outcome: 'failure', category: 'timeout' },
      { startMs: 1_000, endMs: 2_000, outcome: 'failure', errorName: 'TimeoutError' },
    ]);
    expect(report.checks[1]?.reason).toBe('closed 1000 ms after recovery (limit 3000 ms)');
    expect(clock.pendingTimers).toBe(0);
    breaker.dispose();
  });

  it('gives the same report on every run with the same seeds', async () => {
    const run = async () => {
      const { clock, breaker, load } = setup({
        strategy: { type: 'count', callCount: 20, minCalls: 10, failureRate: 0.5 },
      });
      const report = await runExperiment({
        server,
        breaker,
        clock,
        faults: [
          { path: ticker, fault: failRandomly(0.1, { seed: 3 }), endMs: 2_000 },
          { path: ticker, fault: failRandomly(0.7, { clock }), startMs: 2_000, endMs: 4_000 },
        ],
        load: { ...load, calls: 80 },
        hypothesis: [opensWithin(20), closesWithin(3_000), failureRateBelow(0.6)],
        maxDurationMs: 10_000,
      });
      breaker.dispose();
      server.resetHandlers();
      return report;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.calls.failed).toBeGreaterThan(0);
    expect(first.timeline.length).toBeGreaterThan(0);
  });

  it('runs on the system clock without waiting when calls follow each other at once', async () => {
    const breaker = new CircuitBreaker({ strategy: { type: 'consecutive', failureCount: 3 } });
    const report = await runExperiment({
      server,
      breaker,
      clock: systemClock,
      faults: [{ path: ticker, fault: statusStorm(500) }],
      load: { calls: 6, intervalMs: 0, call: () => breaker.execute(() => getJson(ticker)) },
      hypothesis: [opensWithin(3), maxRequestsWhileOpen(0)],
      maxDurationMs: 60_000,
    });
    expect(report.reasons).toEqual([]);
    expect(report.calls).toMatchObject({ failed: 3, rejected: 3 });
    breaker.dispose();
  });

  it('leaves its faults in place but inactive after the run', async () => {
    const { clock, breaker, load } = setup();
    await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: statusStorm(503) }],
      load: { ...load, calls: 3 },
      hypothesis: staysClosed(),
      maxDurationMs: 1_000,
    });
    expect(await statusOf('/ticker')).toBe(200);
    breaker.dispose();
  });

  it('rejects bad options, naming them', async () => {
    const { clock, breaker, load } = setup();
    const base: ExperimentOptions = {
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: statusStorm(503) }],
      load,
      hypothesis: staysClosed(),
      maxDurationMs: 1_000,
    };
    await expect(runExperiment({ ...base, seed: 1 } as never)).rejects.toThrow(
      'Unknown option `seed`',
    );
    await expect(runExperiment({ ...base, faults: [] })).rejects.toThrow('Invalid option `faults`');
    await expect(
      runExperiment({
        ...base,
        faults: [{ path: ticker, fault: hang(), method: 'FETCH' as never }],
      }),
    ).rejects.toThrow('Invalid option `faults[0].method`');
    await expect(
      runExperiment({ ...base, faults: [{ path: ticker, fault: hang(), startMs: 5, endMs: 5 }] }),
    ).rejects.toThrow('Invalid option `faults[0].endMs`');
    await expect(runExperiment({ ...base, hypothesis: [] })).rejects.toThrow(
      'Invalid option `hypothesis`',
    );
    await expect(runExperiment({ ...base, load: { ...load, calls: 0 } })).rejects.toThrow(
      'Invalid option `load.calls`',
    );
    await expect(runExperiment({ ...base, maxDurationMs: -1 })).rejects.toThrow(
      'Invalid option `maxDurationMs`',
    );
    breaker.dispose();
  });
});
