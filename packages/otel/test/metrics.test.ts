import { BreakerRegistry, setDefaultRegistry, success } from '@breakwater/core';
import { instrumentBreakers } from '@breakwater/otel';
import { metrics } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { createMetrics, createRegistry, type Point, refused } from './helpers.ts';

const kraken = 'https://api.kraken.com';

const byMetric = (points: Point[], metric: string) =>
  points
    .filter((point) => point.metric === metric)
    .map(({ attributes, value }) => ({ attributes, value }));

describe('observable metrics', () => {
  it('reports the counters and the state read from the snapshots at collection', async () => {
    const { registry, clock } = createRegistry();
    const { provider, collect } = createMetrics();
    const breaker = registry.get(kraken);
    await breaker.execute(async () => 1);
    await breaker.execute(refused).catch(() => {});
    await breaker.execute(async () => 1).catch(() => {});
    await clock.advance(1_000);
    breaker.acquire().settle(success());
    using _ = instrumentBreakers({ registry, meterProvider: provider, traces: false });

    const points = await collect();

    const own = { 'breakwater.breaker': kraken };
    expect(byMetric(points, 'breakwater.breaker.requests')).toEqual([
      { attributes: { ...own, 'breakwater.state': 'closed' }, value: 2 },
      { attributes: { ...own, 'breakwater.state': 'open' }, value: 1 },
      { attributes: { ...own, 'breakwater.state': 'half_open' }, value: 1 },
    ]);
    expect(byMetric(points, 'breakwater.breaker.successes')).toEqual([
      { attributes: own, value: 2 },
    ]);
    expect(byMetric(points, 'breakwater.breaker.failures')).toEqual([
      { attributes: { ...own, 'breakwater.category': 'network' }, value: 1 },
    ]);
    expect(byMetric(points, 'breakwater.breaker.rejections')).toEqual([
      { attributes: own, value: 1 },
    ]);
    expect(byMetric(points, 'breakwater.breaker.state')).toEqual([{ attributes: own, value: 0 }]);
    expect(byMetric(points, 'breakwater.breaker.transitions')).toEqual([
      {
        attributes: { ...own, 'breakwater.previous_state': 'closed', 'breakwater.state': 'open' },
        value: 1,
      },
      {
        attributes: {
          ...own,
          'breakwater.previous_state': 'open',
          'breakwater.state': 'half_open',
        },
        value: 1,
      },
      {
        attributes: {
          ...own,
          'breakwater.previous_state': 'half_open',
          'breakwater.state': 'closed',
        },
        value: 1,
      },
    ]);
  });

  it('reads each breaker once per collection and nothing on the call path', async () => {
    const { registry } = createRegistry();
    const { provider, collect } = createMetrics();
    const breaker = registry.get(kraken);
    using _ = instrumentBreakers({ registry, meterProvider: provider });
    const snapshot = vi.spyOn(breaker, 'snapshot');

    for (let i = 0; i < 10; i++) await breaker.execute(async () => 1);
    expect(snapshot).not.toHaveBeenCalled();
    await collect();
    expect(snapshot).toHaveBeenCalledTimes(1);
    snapshot.mockRestore();
    // A per-call listener would have turned on duration measurement.
    expect(breaker.snapshot().latency).toBeUndefined();
  });

  it('reports the manual modes with their own state values', async () => {
    const { registry } = createRegistry();
    const { provider, collect } = createMetrics();
    registry.forceOpen('forced');
    registry.get('disabled').disable();
    using _ = instrumentBreakers({ registry, meterProvider: provider });

    expect(byMetric(await collect(), 'breakwater.breaker.state')).toEqual([
      { attributes: { 'breakwater.breaker': 'forced' }, value: 3 },
      { attributes: { 'breakwater.breaker': 'disabled' }, value: 4 },
    ]);
  });

  it('shows breakers as they are added and removed, and nothing after dispose()', async () => {
    const { registry } = createRegistry();
    // Delta: the cumulative SDK would repeat the removed breaker's last values.
    const { provider, collect } = createMetrics('delta');
    const instrumentation = instrumentBreakers({ registry, meterProvider: provider });
    registry.get('a');
    registry.get('b');
    expect(byMetric(await collect(), 'breakwater.breaker.state')).toHaveLength(2);

    registry.delete('a');
    expect(byMetric(await collect(), 'breakwater.breaker.state')).toEqual([
      { attributes: { 'breakwater.breaker': 'b' }, value: 0 },
    ]);

    instrumentation.dispose();
    registry.get('c');
    expect(byMetric(await collect(), 'breakwater.breaker.state')).toEqual([]);
  });

  it('uses the global meter provider and the default registry when given neither', async () => {
    const { provider, collect } = createMetrics();
    const registry = new BreakerRegistry();
    const previous = setDefaultRegistry(registry);
    metrics.setGlobalMeterProvider(provider);
    try {
      using _ = instrumentBreakers();
      registry.get('default');

      expect(byMetric(await collect(), 'breakwater.breaker.state')).toEqual([
        { attributes: { 'breakwater.breaker': 'default' }, value: 0 },
      ]);
    } finally {
      metrics.disable();
      setDefaultRegistry(previous);
    }
  });
});

describe('bad input', () => {
  it('leaves nothing behind when the meter provider throws', () => {
    const { registry } = createRegistry();
    const broken = {
      getMeter: () => {
        throw new Error('provider bug');
      },
    };

    expect(() => instrumentBreakers({ registry, meterProvider: broken })).toThrow('provider bug');
    // The traces part was rolled back: the registry can be traced again.
    instrumentBreakers({ registry, metrics: false }).dispose();
  });

  it('names the option, what it accepts and what it received', () => {
    expect(() => instrumentBreakers({ registry: new Map() as never })).toThrow(
      /^Invalid option `registry`: expected a BreakerRegistry from @breakwater\/core, received /,
    );
    expect(() => instrumentBreakers({ meterProvider: 'x' as never })).toThrow(
      /Invalid option `meterProvider`: expected an OpenTelemetry MeterProvider, received "x"/,
    );
    expect(() => instrumentBreakers({ traces: 'yes' as never })).toThrow(
      /`traces`: expected true or false/,
    );
    expect(() => instrumentBreakers({ metric: false } as never)).toThrow(
      /Unknown option `metric` \(did you mean `metrics`\?\)/,
    );
    expect(() => instrumentBreakers(null as never)).toThrow(/Invalid option `options`/);
  });
});
