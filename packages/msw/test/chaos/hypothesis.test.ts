import {
  allOf,
  anyOf,
  type CallRecord,
  check,
  closesWithin,
  type ExperimentRecord,
  failureRateBelow,
  maxRequestsWhileOpen,
  opensWithin,
  staysClosed,
  type TransitionRecord,
} from '@breakwater/msw';
import { describe, expect, it } from 'vitest';

function call(index: number, outcome: CallRecord['outcome'], startMs = index * 100): CallRecord {
  return {
    index,
    startMs,
    endMs: startMs,
    outcome,
    category: outcome === 'failure' ? 'server' : undefined,
    stateBefore: 'closed',
    stateAfter: 'closed',
    errorName: undefined,
  };
}

function transition(atMs: number, from: string, to: string, callIndex: number): TransitionRecord {
  return { atMs, from, to, reason: 'failures', callIndex } as TransitionRecord;
}

function record(parts: Partial<ExperimentRecord>): ExperimentRecord {
  return {
    calls: [],
    transitions: [],
    hits: [],
    faults: [{ name: 'storm', startMs: 0, endMs: 1_000 }],
    elapsedMs: 2_000,
    finished: true,
    ...parts,
  };
}

const failing = Array.from({ length: 8 }, (_, i) => call(i, 'failure'));

describe('opensWithin', () => {
  it('counts calls from the first one made while a fault is active', () => {
    const faults = [{ name: 'storm', startMs: 300, endMs: 1_000 }];
    const r = record({
      calls: failing,
      faults,
      transitions: [transition(700, 'closed', 'open', 7)],
    });
    expect(opensWithin(5).evaluate(r)).toEqual({
      ok: true,
      reason: 'opened after 5 calls (limit 5)',
    });
    expect(opensWithin(4).evaluate(r).ok).toBe(false);
  });

  it('fails a guard only once the limit has passed without opening', () => {
    const running = (n: number) => record({ calls: failing.slice(0, n), finished: false });
    expect(opensWithin(5).evaluate(running(4)).ok).toBe(true);
    expect(opensWithin(5).evaluate(running(5))).toEqual({
      ok: false,
      reason: 'did not open in 5 calls since the faults began',
    });
    expect(opensWithin(10).evaluate(record({ calls: failing })).ok).toBe(false);
  });
});

describe('maxRequestsWhileOpen', () => {
  it('counts hits while open or half-open', () => {
    const hit = (state: 'closed' | 'open' | 'half_open') =>
      ({ atMs: 0, fault: 'storm', active: true, state, callIndex: 0 }) as const;
    const r = record({ hits: [hit('closed'), hit('half_open'), hit('open'), hit('closed')] });
    expect(maxRequestsWhileOpen(2).evaluate(r).ok).toBe(true);
    expect(maxRequestsWhileOpen(1).evaluate(r)).toEqual({
      ok: false,
      reason: '2 requests reached the server while open or half-open (limit 1)',
    });
  });
});

describe('closesWithin', () => {
  const opened = transition(500, 'closed', 'open', 5);

  it('measures from the end of the last fault to the next close', () => {
    const closed = transition(1_800, 'half_open', 'closed', 18);
    const r = record({ transitions: [opened, closed] });
    expect(closesWithin(800).evaluate(r).ok).toBe(true);
    expect(closesWithin(799).evaluate(r).reason).toBe(
      'closed 800 ms after recovery (limit 799 ms)',
    );
  });

  it('holds when the breaker was closed as the faults ended', () => {
    expect(closesWithin(0).evaluate(record({})).reason).toBe('was closed when the faults ended');
  });

  it('fails without a recovery, or when the breaker stays open', () => {
    const endless = record({ faults: [{ name: 'storm', startMs: 0, endMs: Infinity }] });
    expect(closesWithin(1_000).evaluate(endless).reason).toBe(
      'no fault ends, so there is no recovery',
    );
    const stuck = record({ transitions: [opened] });
    expect(closesWithin(5_000).evaluate(stuck)).toEqual({
      ok: false,
      reason: 'not closed 1000 ms after recovery (limit 5000 ms)',
    });
    expect(closesWithin(5_000).evaluate({ ...stuck, finished: false }).ok).toBe(true);
    expect(closesWithin(500).evaluate({ ...stuck, finished: false }).ok).toBe(false);
  });
});

describe('failureRateBelow', () => {
  const calls = [call(0, 'success'), call(1, 'failure'), call(2, 'rejected'), call(3, 'success')];

  it('counts failures and, unless told otherwise, rejections', () => {
    expect(failureRateBelow(0.5).evaluate(record({ calls }))).toEqual({
      ok: false,
      reason: 'failure rate 0.5 (2 of 4 calls, limit 0.5)',
    });
    expect(failureRateBelow(0.5, { includeRejected: false }).evaluate(record({ calls })).ok).toBe(
      true,
    );
  });

  it('waits for minCalls before judging', () => {
    const r = record({ calls: calls.slice(1, 2) });
    expect(failureRateBelow(0.5, { minCalls: 2 }).evaluate(r).ok).toBe(true);
    expect(() => failureRateBelow(2)).toThrow('Invalid option `rate`');
    expect(() => failureRateBelow(0.5, { includeRejected: 1 as never })).toThrow(
      'Invalid option `includeRejected`',
    );
  });
});

describe('staysClosed, check, allOf and anyOf', () => {
  const r = record({ transitions: [transition(500, 'closed', 'open', 5)] });

  it('reports the first transition out of closed', () => {
    expect(staysClosed().evaluate(r)).toEqual({
      ok: false,
      reason: 'went open at 500 ms (call 5)',
    });
    expect(staysClosed().evaluate(record({})).ok).toBe(true);
  });

  it('wraps a predicate of your own', () => {
    const noTimeouts = check('no timeouts', (x) => x.calls.every((c) => c.category !== 'timeout'));
    expect(noTimeouts.evaluate(r)).toEqual({ ok: true, reason: 'held' });
    const custom = check('custom', () => ({ ok: false, reason: 'because' }));
    expect(custom.evaluate(r)).toEqual({ ok: false, reason: 'because' });
  });

  it('combines checks, naming the ones that failed', () => {
    const both = allOf(staysClosed(), maxRequestsWhileOpen(0));
    expect(both.description).toBe(
      'all of (stays closed; at most 0 requests reach the server while open)',
    );
    expect(both.evaluate(r)).toEqual({
      ok: false,
      reason: 'stays closed: went open at 500 ms (call 5)',
    });
    expect(anyOf(staysClosed(), maxRequestsWhileOpen(0)).evaluate(r).ok).toBe(true);
    expect(() => allOf({} as never)).toThrow('Invalid option `checks[0].evaluate`');
  });
});
