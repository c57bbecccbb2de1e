import type { BreakerSnapshot, BreakerState } from '@breakwater/core';
import { failureCategories, stateMetricValues } from '@breakwater/core/adapter';

/** Writes one series: its labels (besides `name`) and its value. */
export type WriteSeries = (labels: Readonly<Record<string, string>>, value: number) => void;

/** One counter or gauge the collector exports, read from each breaker's snapshot. */
export interface SnapshotMetricDefinition {
  readonly type: 'counter' | 'gauge';
  /** The name after the prefix. */
  readonly suffix: string;
  readonly help: string;
  /** Labels besides `name`, the breaker's name. */
  readonly labelNames: readonly string[];
  /** Writes this metric's series of one breaker. */
  write(snapshot: BreakerSnapshot, series: WriteSeries): void;
}

const states = Object.keys(stateMetricValues) as BreakerState[];
const noLabels: Readonly<Record<string, string>> = Object.freeze({});
const stateLabels = states.map((state) => Object.freeze({ state }));
const categoryLabels = failureCategories.map((category) => Object.freeze({ category }));

/**
 * The seed's metrics (circuit_breaker_requests_total and the rest), in exposition order. A
 * labelled series (a state, a failure category, a transition) is written once its count is not
 * 0, as prom-client's own labelled counters appear at their first increment: a breaker that only
 * ever met `closed` has one `requests_total` series, not five, which keeps a scrape of thousands
 * of breakers to a few series each. The unlabelled counters and the state gauge are always written.
 */
export const snapshotMetrics: readonly SnapshotMetricDefinition[] = [
  {
    type: 'counter',
    suffix: 'requests_total',
    help: 'Requests by the breaker state that decided them: admitted while closed, half_open (probes) or disabled; rejected while open, forced_open, or half_open with every probe slot taken.',
    labelNames: ['state'],
    write(snapshot, series) {
      const byState = snapshot.counters.requestsByState;
      for (let i = 0; i < states.length; i++) {
        const count = byState[states[i]!];
        if (count > 0) series(stateLabels[i]!, count);
      }
    },
  },
  {
    type: 'counter',
    suffix: 'successes_total',
    help: 'Calls the breaker counted as successes.',
    labelNames: [],
    write(snapshot, series) {
      series(noLabels, snapshot.counters.successes);
    },
  },
  {
    type: 'counter',
    suffix: 'failures_total',
    help: 'Calls the breaker counted as failures, by failure category.',
    labelNames: ['category'],
    write(snapshot, series) {
      const byCategory = snapshot.counters.failuresByCategory;
      for (let i = 0; i < failureCategories.length; i++) {
        const count = byCategory[failureCategories[i]!];
        if (count > 0) series(categoryLabels[i]!, count);
      }
    },
  },
  {
    type: 'counter',
    suffix: 'rejections_total',
    help: 'Calls the breaker rejected without running them.',
    labelNames: [],
    write(snapshot, series) {
      series(noLabels, snapshot.counters.rejected);
    },
  },
  {
    type: 'gauge',
    suffix: 'state',
    help: 'Current breaker state: 0 closed, 1 open, 2 half_open, 3 forced_open, 4 disabled.',
    labelNames: [],
    write(snapshot, series) {
      series(noLabels, stateMetricValues[snapshot.state]);
    },
  },
  {
    type: 'counter',
    suffix: 'transitions_total',
    help: 'State transitions, by the state left and the state entered.',
    labelNames: ['from', 'to'],
    write(snapshot, series) {
      for (const [edge, count] of Object.entries(snapshot.counters.transitions)) {
        const arrow = edge.indexOf('->');
        series({ from: edge.slice(0, arrow), to: edge.slice(arrow + 2) }, count);
      }
    },
  },
];
