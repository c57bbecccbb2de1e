import type { BreakerRegistry, BreakerState } from '@breakwater/core';
import { failureCategories, stateMetricValues } from '@breakwater/core/adapter';
import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { attributeNames as names } from './attributes.ts';

const states = Object.keys(stateMetricValues) as BreakerState[];

/**
 * Creates the breakers' observable instruments on `meter` and one batch callback that reads every
 * breaker's snapshot once per collection. Returns what removes the callback again. With the API's
 * no-op meter (no SDK), the callback is never called.
 *
 * A labelled point (a state, a failure category, a transition) is reported once its count is not
 * 0, as in `@breakwater/prometheus`; the unlabelled counters and the state gauge always are.
 */
export function observeBreakers(meter: Meter, registry: BreakerRegistry): () => void {
  const requests = meter.createObservableCounter('breakwater.breaker.requests', {
    description: `Requests by the breaker state that decided them (${names.state}).`,
    unit: '{request}',
  });
  const successes = meter.createObservableCounter('breakwater.breaker.successes', {
    description: 'Calls the breaker counted as successes.',
    unit: '{call}',
  });
  const failures = meter.createObservableCounter('breakwater.breaker.failures', {
    description: `Calls the breaker counted as failures, by failure category (${names.category}).`,
    unit: '{call}',
  });
  const rejections = meter.createObservableCounter('breakwater.breaker.rejections', {
    description: 'Calls the breaker rejected without running them.',
    unit: '{call}',
  });
  const transitions = meter.createObservableCounter('breakwater.breaker.transitions', {
    description: `State transitions, by the state left (${names.previousState}) and entered (${names.state}).`,
    unit: '{transition}',
  });
  const state = meter.createObservableGauge('breakwater.breaker.state', {
    description: 'Current breaker state: 0 closed, 1 open, 2 half_open, 3 forced_open, 4 disabled.',
  });
  const observables: Observable[] = [requests, successes, failures, rejections, transitions, state];

  const observe: BatchObservableCallback = (result) => {
    for (const breaker of registry.breakers()) {
      const snapshot = breaker.snapshot();
      const counters = snapshot.counters;
      const breakerName = snapshot.name;
      const own = { [names.breaker]: breakerName };
      result.observe(successes, counters.successes, own);
      result.observe(rejections, counters.rejected, own);
      result.observe(state, stateMetricValues[snapshot.state], own);
      for (const met of states) {
        const count = counters.requestsByState[met];
        if (count > 0) result.observe(requests, count, { ...own, [names.state]: met });
      }
      for (const category of failureCategories) {
        const count = counters.failuresByCategory[category];
        if (count > 0) result.observe(failures, count, { ...own, [names.category]: category });
      }
      for (const [edge, count] of Object.entries(counters.transitions)) {
        const arrow = edge.indexOf('->');
        result.observe(transitions, count, {
          ...own,
          [names.previousState]: edge.slice(0, arrow),
          [names.state]: edge.slice(arrow + 2),
        });
      }
    }
  };
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}
