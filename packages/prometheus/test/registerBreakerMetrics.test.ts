import { BreakerRegistry, ManualClock, setDefaultRegistry, success } from '@breakwater/core';
import { registerBreakerMetrics } from '@breakwater/prometheus';
import {
  Gauge,
  register as globalRegister,
  type OpenMetricsContentType,
  Registry,
} from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fail, samples, setup } from './helpers.ts';

const kraken = 'https://api.kraken.com';
const resolveOne = () => Promise.resolve(1);

describe('registerBreakerMetrics()', () => {
  it('exports the seed metric names with values read from the snapshots', async () => {
    const { registry, register } = setup();
    const breaker = registry.get(kraken);
    await breaker.execute(resolveOne);
    await breaker.execute(resolveOne);
    await fail(registry, kraken);
    await expect(breaker.execute(resolveOne)).rejects.toThrow(/open/);
    registerBreakerMetrics({ registry, register });

    const text = await register.metrics();

    expect(samples(text, 'circuit_breaker_requests_total')).toEqual([
      `circuit_breaker_requests_total{name="${kraken}",state="closed"} 3`,
      `circuit_breaker_requests_total{name="${kraken}",state="open"} 1`,
    ]);
    expect(samples(text, 'circuit_breaker_successes_total')).toEqual([
      `circuit_breaker_successes_total{name="${kraken}"} 2`,
    ]);
    expect(samples(text, 'circuit_breaker_failures_total')).toEqual([
      `circuit_breaker_failures_total{name="${kraken}",category="network"} 1`,
    ]);
    expect(samples(text, 'circuit_breaker_rejections_total')).toEqual([
      `circuit_breaker_rejections_total{name="${kraken}"} 1`,
    ]);
    expect(samples(text, 'circuit_breaker_state')).toEqual([
      `circuit_breaker_state{name="${kraken}"} 1`,
    ]);
    expect(samples(text, 'circuit_breaker_transitions_total')).toEqual([
      `circuit_breaker_transitions_total{name="${kraken}",from="closed",to="open"} 1`,
    ]);
    expect(text).toContain('# TYPE circuit_breaker_requests_total counter\n');
    expect(text).toContain('# TYPE circuit_breaker_state gauge\n');
    expect(text).toContain('# TYPE circuit_breaker_latency_seconds histogram\n');
    expect(samples(text, 'circuit_breaker_latency_seconds_count')).toEqual([]);
  });

  it('writes a labelled series once its count is not 0, the unlabelled ones always', async () => {
    const { registry, register } = setup();
    registry.get('idle');
    registerBreakerMetrics({ registry, register });

    const text = await register.metrics();

    expect(text.split('\n').filter((line) => line.includes('name="idle"'))).toEqual([
      'circuit_breaker_successes_total{name="idle"} 0',
      'circuit_breaker_rejections_total{name="idle"} 0',
      'circuit_breaker_state{name="idle"} 0',
    ]);
  });

  it('reads the values again at every scrape, including calls made before it was registered', async () => {
    const { registry, register } = setup();
    await registry.get(kraken).execute(resolveOne);
    registerBreakerMetrics({ registry, register });
    expect(samples(await register.metrics(), 'circuit_breaker_successes_total')).toEqual([
      `circuit_breaker_successes_total{name="${kraken}"} 1`,
    ]);

    await registry.get(kraken).execute(resolveOne);
    await registry.get(kraken).execute(resolveOne);

    expect(samples(await register.metrics(), 'circuit_breaker_successes_total')).toEqual([
      `circuit_breaker_successes_total{name="${kraken}"} 3`,
    ]);
  });

  it('subscribes to nothing: calls do no metrics work until a scrape', async () => {
    const { registry, register } = setup();
    const breaker = registry.get(kraken);
    registerBreakerMetrics({ registry, register });
    const snapshot = vi.spyOn(breaker, 'snapshot');

    for (let i = 0; i < 10; i++) await breaker.execute(resolveOne);
    expect(snapshot).not.toHaveBeenCalled();
    // A per-call listener would have turned on duration measurement.
    expect(breaker.snapshot().latency).toBeUndefined();
    snapshot.mockClear();

    await register.metrics();
    expect(snapshot).toHaveBeenCalledTimes(1);
    await register.getMetricsAsJSON();
    expect(snapshot).toHaveBeenCalledTimes(2);
  });

  it('reports each state, the manual modes with their own values', async () => {
    const { registry, register, clock } = setup({
      defaults: { openMs: 1_000, strategy: { failureCount: 1 }, halfOpen: { successCount: 2 } },
    });
    registry.get('closed');
    await fail(registry, 'open');
    await fail(registry, 'half-open');
    await clock.advance(1_000);
    registry.get('half-open').acquire().settle(success());
    registry.forceOpen('forced');
    registry.get('disabled').disable();
    registerBreakerMetrics({ registry, register });

    const lines = samples(await register.metrics(), 'circuit_breaker_state');

    expect(lines.sort()).toEqual(
      [
        'circuit_breaker_state{name="closed"} 0',
        'circuit_breaker_state{name="open"} 1',
        'circuit_breaker_state{name="half-open"} 2',
        'circuit_breaker_state{name="forced"} 3',
        'circuit_breaker_state{name="disabled"} 4',
      ].sort(),
    );
  });

  it('counts transitions by the state left and the state entered', async () => {
    const { registry, register, clock } = setup();
    await fail(registry, kraken);
    await clock.advance(1_000);
    await fail(registry, kraken); // the probe fails: half_open -> open
    await clock.advance(2_000);
    await registry.get(kraken).execute(resolveOne); // the probe succeeds
    registerBreakerMetrics({ registry, register });

    const lines = samples(await register.metrics(), 'circuit_breaker_transitions_total');

    expect(lines.sort()).toEqual(
      [
        `circuit_breaker_transitions_total{name="${kraken}",from="closed",to="open"} 1`,
        `circuit_breaker_transitions_total{name="${kraken}",from="open",to="half_open"} 2`,
        `circuit_breaker_transitions_total{name="${kraken}",from="half_open",to="open"} 1`,
        `circuit_breaker_transitions_total{name="${kraken}",from="half_open",to="closed"} 1`,
      ].sort(),
    );
  });

  it('shows breakers as they are added to and removed from the registry', async () => {
    const { registry, register } = setup({ maxSize: 2 });
    registerBreakerMetrics({ registry, register });
    expect(samples(await register.metrics(), 'circuit_breaker_state')).toEqual([]);

    registry.get('a');
    registry.get('b');
    expect(samples(await register.metrics(), 'circuit_breaker_state')).toEqual([
      'circuit_breaker_state{name="a"} 0',
      'circuit_breaker_state{name="b"} 0',
    ]);

    registry.delete('a');
    registry.get('c');
    registry.get('d'); // at maxSize 2, evicts b, the least recently used
    const text = await register.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual([
      'circuit_breaker_state{name="c"} 0',
      'circuit_breaker_state{name="d"} 0',
    ]);
    expect(text).not.toMatch(/name="[ab]"/);
  });

  it('reports a breaker removed while a scrape is in flight in every metric of that scrape', async () => {
    const { registry, register } = setup();
    await fail(registry, 'a');
    registry.get('b');
    registerBreakerMetrics({ registry, register });

    const pending = register.metrics();
    registry.delete('a');
    const text = await pending;

    for (const metric of ['requests_total', 'failures_total', 'state', 'transitions_total']) {
      expect(samples(text, `circuit_breaker_${metric}`).some((l) => l.includes('name="a"'))).toBe(
        true,
      );
    }
    expect(await register.metrics()).not.toContain('name="a"');
  });

  it('escapes breaker names that are not plain label values', async () => {
    const { registry, register } = setup();
    const odd = 'quote " backslash \\ newline \n emoji 🌊 and {braces}=,';
    registry.get(odd);
    registerBreakerMetrics({ registry, register });

    const lines = samples(await register.metrics(), 'circuit_breaker_state');

    expect(lines).toEqual([
      'circuit_breaker_state{name="quote \\" backslash \\\\ newline \\n emoji 🌊 and {braces}=,"} 0',
    ]);
  });

  it('exports the latency histogram of breakers that track latency, in seconds', async () => {
    const { registry, register, clock } = setup();
    const tracked = registry.get('tracked', { trackLatency: true });
    registry.get('untracked');
    for (const ms of [4, 40, 400]) {
      const permit = tracked.acquire();
      await clock.advance(ms);
      permit.settle(success());
    }
    registerBreakerMetrics({ registry, register });

    const text = await register.metrics();

    const bounds = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60];
    const counts = [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3];
    expect(samples(text, 'circuit_breaker_latency_seconds_bucket')).toEqual([
      ...bounds.map(
        (le, i) => `circuit_breaker_latency_seconds_bucket{le="${le}",name="tracked"} ${counts[i]}`,
      ),
      'circuit_breaker_latency_seconds_bucket{le="+Inf",name="tracked"} 3',
    ]);
    expect(samples(text, 'circuit_breaker_latency_seconds_sum')).toEqual([
      'circuit_breaker_latency_seconds_sum{name="tracked"} 0.444',
    ]);
    expect(samples(text, 'circuit_breaker_latency_seconds_count')).toEqual([
      'circuit_breaker_latency_seconds_count{name="tracked"} 3',
    ]);

    const json = await register.getMetricsAsJSON();
    const histogram = json.find((metric) => metric.name === 'circuit_breaker_latency_seconds');
    expect(histogram?.values).toContainEqual({
      labels: { le: 0.05, name: 'tracked' },
      value: 2,
      metricName: 'circuit_breaker_latency_seconds_bucket',
    });
  });

  it('writes the OpenMetrics format when the registry is an OpenMetrics one', async () => {
    const { registry } = setup();
    const register = new Registry<OpenMetricsContentType>();
    register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    await registry.get(kraken).execute(resolveOne);
    registerBreakerMetrics({ registry, register });

    const text = await register.metrics();

    expect(text).toContain('# TYPE circuit_breaker_successes counter\n');
    expect(samples(text, 'circuit_breaker_successes_total')).toEqual([
      `circuit_breaker_successes_total{name="${kraken}"} 1`,
    ]);
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('uses a prefix, so that two breaker registries share one prom-client registry', async () => {
    const { registry, register } = setup();
    const other = new BreakerRegistry({ clock: new ManualClock() });
    registry.get('a');
    other.get('b');
    registerBreakerMetrics({ registry, register });
    const second = registerBreakerMetrics({ registry: other, register, prefix: 'ws_breaker_' });

    const text = await register.metrics();

    expect(samples(text, 'circuit_breaker_state')).toEqual(['circuit_breaker_state{name="a"} 0']);
    expect(samples(text, 'ws_breaker_state')).toEqual(['ws_breaker_state{name="b"} 0']);
    expect(second.names).toEqual([
      'ws_breaker_requests_total',
      'ws_breaker_successes_total',
      'ws_breaker_failures_total',
      'ws_breaker_rejections_total',
      'ws_breaker_state',
      'ws_breaker_transitions_total',
      'ws_breaker_latency_seconds',
    ]);
  });

  describe('defaults', () => {
    let restore: (() => void) | undefined;
    afterEach(() => restore?.());

    it("registers in prom-client's global register, over the default breaker registry read at each scrape", async () => {
      const first = new BreakerRegistry();
      const previous = setDefaultRegistry(first);
      const metrics = registerBreakerMetrics();
      restore = () => {
        metrics.dispose();
        setDefaultRegistry(previous);
      };
      first.get('first');
      expect(samples(await globalRegister.metrics(), 'circuit_breaker_state')).toEqual([
        'circuit_breaker_state{name="first"} 0',
      ]);

      const second = new BreakerRegistry();
      setDefaultRegistry(second);
      second.get('second');

      expect(samples(await globalRegister.metrics(), 'circuit_breaker_state')).toEqual([
        'circuit_breaker_state{name="second"} 0',
      ]);
    });
  });

  describe('dispose()', () => {
    it('removes its metrics, so that a new collector can register', async () => {
      const { registry, register } = setup();
      registry.get('a');
      const metrics = registerBreakerMetrics({ registry, register });

      metrics.dispose();
      metrics.dispose();

      expect(await register.metrics()).toBe('\n');
      using again = registerBreakerMetrics({ registry, register });
      expect(again.names).toHaveLength(7);
      expect(samples(await register.metrics(), 'circuit_breaker_state')).toHaveLength(1);
    });

    it('leaves alone a metric someone else registered under one of its names since', () => {
      const { registry, register } = setup();
      const metrics = registerBreakerMetrics({ registry, register });
      register.removeSingleMetric('circuit_breaker_state');
      const theirs = new Gauge({
        name: 'circuit_breaker_state',
        help: 'theirs',
        registers: [register],
      });

      metrics.dispose();

      expect(register.getSingleMetric('circuit_breaker_state')).toBe(theirs);
    });
  });

  describe('bad input', () => {
    it('refuses a name that is already registered and registers nothing', () => {
      const { registry, register } = setup();
      new Gauge({ name: 'circuit_breaker_state', help: 'taken', registers: [register] });

      expect(() => registerBreakerMetrics({ registry, register })).toThrow(
        /Invalid option `register`: expected a prom-client registry without a metric named circuit_breaker_state/,
      );
      expect(register.getMetricsAsArray().map((metric) => metric.name)).toEqual([
        'circuit_breaker_state',
      ]);
    });

    it('names the option, what it accepts and what it received', () => {
      expect(() => registerBreakerMetrics({ prefix: '9lives_' })).toThrow(
        'Invalid option `prefix`: expected a Prometheus metric name prefix (letters, digits, _ and :, not starting with a digit), received "9lives_".',
      );
      expect(() => registerBreakerMetrics({ prefix: 'bad-dash_' })).toThrow(/`prefix`/);
      expect(() => registerBreakerMetrics({ register: {} as Registry })).toThrow(
        /Invalid option `register`: expected a prom-client Registry/,
      );
      expect(() => registerBreakerMetrics({ registry: new Map() as never })).toThrow(
        /Invalid option `registry`: expected a BreakerRegistry/,
      );
      expect(() => registerBreakerMetrics({ prefx: 'x_' } as never)).toThrow(
        /Unknown option `prefx` \(did you mean `prefix`\?\)/,
      );
      expect(() => registerBreakerMetrics('x' as never)).toThrow(/Invalid option `options`/);
      expect(globalRegister.getSingleMetric('circuit_breaker_state')).toBeUndefined();
    });
  });
});
