import { describe, expect, it } from 'vitest';
import {
  applyAlert,
  applyBreakers,
  applyTransition,
  chartData,
  createModel,
  formatDuration,
  formatRate,
} from '../assets/model.js';

/** A breaker view with only what the page reads. */
function view(name: string, failureRate: number, p50Ms?: number) {
  return {
    name,
    state: failureRate >= 0.5 ? 'open' : 'closed',
    at: 0,
    timeInStateMs: 0,
    failureRate,
    counters: { calls: 0, failures: 0, rejected: 0 },
    latency: p50Ms === undefined ? null : { p50Ms, p99Ms: p50Ms * 2 },
  };
}

describe("the page's model", () => {
  it('keeps one chart series per breaker, aligned with the sample times', () => {
    const model = createModel({ maxPoints: 3 });
    applyBreakers(model, { at: 1_000, breakers: [view('a', 0, 5)] });
    applyBreakers(model, { at: 1_000, breakers: [view('a', 0.1, 6)] }); // same instant: replaces
    applyBreakers(model, { at: 2_000, breakers: [view('a', 0.2, 7), view('b', 1)] });
    expect(chartData(model, 'failureRate')).toEqual({
      names: ['a', 'b'],
      data: [
        [1, 2],
        [0.1, 0.2],
        [null, 1],
      ],
    });
    // Latency: only breakers that track it.
    expect(chartData(model, 'p50')).toEqual({
      names: ['a'],
      data: [
        [1, 2],
        [6, 7],
      ],
    });
    applyBreakers(model, { at: 3_000, breakers: [view('b', 1)] });
    applyBreakers(model, { at: 4_000, breakers: [view('b', 0)] });
    // At most maxPoints; `a`, gone from the registry, stays until its points scroll out.
    expect(chartData(model, 'failureRate')).toEqual({
      names: ['a', 'b'],
      data: [
        [2, 3, 4],
        [0.2, null, null],
        [1, 1, 0],
      ],
    });
    applyBreakers(model, { at: 5_000, breakers: [view('b', 0)] });
    applyBreakers(model, { at: 6_000, breakers: [view('b', 0)] });
    expect(chartData(model, 'failureRate').names).toEqual(['b']);
    expect(model.total).toBe(1);
  });

  it('applies a transition at once, and logs it newest first', () => {
    const model = createModel({ maxTransitions: 2 });
    applyBreakers(model, { at: 0, total: 5, breakers: [view('a', 0)] });
    expect(model.total).toBe(5);
    for (const to of ['open', 'half_open', 'closed']) {
      applyTransition(model, { breaker: 'a', from: 'x', to, reason: 'failures', at: 1 });
    }
    expect(model.breakers.get('a')?.state).toBe('closed');
    expect(model.transitions.map((t) => t.to)).toEqual(['closed', 'half_open']);
  });

  it('updates an alert in place when it resolves', () => {
    const model = createModel();
    const alert = { id: 1, check: 'db', severity: 'critical', message: 'down', raisedAt: 1 };
    applyAlert(model, alert);
    applyAlert(model, { ...alert, id: 2 });
    applyAlert(model, { ...alert, resolvedAt: 5 });
    expect(model.alerts.map((a) => [a.id, a.resolvedAt])).toEqual([
      [2, undefined],
      [1, 5],
    ]);
  });

  it('formats durations and rates', () => {
    expect([formatDuration(250), formatDuration(1_500), formatDuration(125_000)]).toEqual([
      '250 ms',
      '1.5 s',
      '2 min 5 s',
    ]);
    expect([formatRate(0), formatRate(0.05), formatRate(2 / 3)]).toEqual(['0 %', '5.0 %', '67 %']);
  });
});
