import { instrumentBreakers } from '@breakwater/otel';
import { metrics, trace } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { createRegistry, refused } from './helpers.ts';

// This file registers no SDK, no meter provider and no context manager: what an application
// that installs @breakwater/otel without starting OpenTelemetry gets.
describe('without an OpenTelemetry SDK', () => {
  it('costs nothing: no snapshot is read, no span exists, no call path changes', async () => {
    const { registry, errors } = createRegistry();
    const breaker = registry.get('https://api.kraken.com');
    using _ = instrumentBreakers({ registry });
    const snapshot = vi.spyOn(breaker, 'snapshot');

    await trace.getTracer('app').startActiveSpan('place order', async (span) => {
      expect(trace.getActiveSpan()).toBeUndefined();
      expect(await breaker.execute(async () => 1)).toBe(1);
      await expect(breaker.execute(refused)).rejects.toThrow('ECONNREFUSED');
      await expect(breaker.execute(async () => 1)).rejects.toThrow(/open/);
      span.end();
    });
    metrics.getMeterProvider().getMeter('app').createObservableGauge('probe');

    expect(snapshot).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
    snapshot.mockRestore();
    expect(breaker.snapshot()).toMatchObject({
      state: 'open',
      // A per-call listener would have turned on duration measurement.
      latency: undefined,
      counters: { successes: 1, failures: 1, rejected: 1 },
    });
  });
});
