import { success } from '@breakwater/core';
import { instrumentBreakers } from '@breakwater/otel';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, createTracing, refused } from './helpers.ts';

const kraken = 'https://api.kraken.com';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

/** Runs `fn` inside a span named `name` and returns that span once it has ended. */
async function inSpan(
  tracing: ReturnType<typeof createTracing>,
  fn: () => Promise<unknown>,
  name = 'place order',
) {
  await tracing.tracer.startActiveSpan(name, async (span) => {
    try {
      await fn();
    } finally {
      span.end();
    }
  });
  const spans = tracing.exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

const events = (span: { events: { name: string; attributes?: unknown }[] }) =>
  span.events.map(({ name, attributes }) => ({ name, attributes }));

describe('span events', () => {
  it('records a rejection on the caller’s active span, with the wait the breaker asked for', async () => {
    const { registry } = createRegistry();
    const tracing = createTracing();
    using _ = instrumentBreakers({ registry, metrics: false });
    const breaker = registry.get(kraken);
    await breaker.execute(refused).catch(() => {});

    const span = await inSpan(tracing, () => breaker.execute(async () => 1).catch(() => {}));

    expect(events(span)).toEqual([
      {
        name: 'breakwater.rejected',
        attributes: {
          'breakwater.breaker': kraken,
          'breakwater.state': 'open',
          'breakwater.retry_after_ms': 1_000,
        },
      },
    ]);
    expect(span.attributes).toEqual({ 'breakwater.breaker': kraken, 'breakwater.state': 'open' });
  });

  it('records the transition a call’s failure caused on that call’s span', async () => {
    const { registry } = createRegistry();
    const tracing = createTracing();
    using _ = instrumentBreakers({ registry, metrics: false });

    const span = await inSpan(tracing, () =>
      registry
        .get(kraken)
        .execute(refused)
        .catch(() => {}),
    );

    expect(events(span)).toEqual([
      {
        name: 'breakwater.state_change',
        attributes: {
          'breakwater.breaker': kraken,
          'breakwater.state': 'open',
          'breakwater.category': 'network',
          'breakwater.previous_state': 'closed',
          'breakwater.reason': 'failures',
        },
      },
    ]);
    expect(span.attributes).toEqual({
      'breakwater.breaker': kraken,
      'breakwater.state': 'open',
      'breakwater.category': 'network',
    });
  });

  it('follows a permit settled later in the same trace, as the HTTP adapters use them', async () => {
    const { registry, clock } = createRegistry();
    const tracing = createTracing();
    using _ = instrumentBreakers({ registry, metrics: false });
    const breaker = registry.get(kraken);
    await breaker.execute(refused).catch(() => {});
    await clock.advance(1_000);

    const span = await inSpan(tracing, async () => {
      const permit = breaker.acquire();
      await clock.advance(5);
      permit.settle(success());
    });

    expect(events(span).map(({ attributes }) => attributes)).toEqual([
      expect.objectContaining({
        'breakwater.state': 'half_open',
        'breakwater.reason': 'recoveryDue',
      }),
      expect.objectContaining({
        'breakwater.state': 'closed',
        'breakwater.reason': 'probeSucceeded',
      }),
    ]);
  });

  it('names the forced state and no wait when an operator isolated the dependency', async () => {
    const { registry } = createRegistry();
    const tracing = createTracing();
    const breaker = registry.forceOpen(kraken);
    using _ = instrumentBreakers({ registry, metrics: false });

    const span = await inSpan(tracing, () => breaker.execute(async () => 1).catch(() => {}));

    expect(events(span)).toEqual([
      {
        name: 'breakwater.rejected',
        attributes: { 'breakwater.breaker': kraken, 'breakwater.state': 'forced_open' },
      },
    ]);
  });

  it('leaves out a wait that has no end (open until reset)', async () => {
    const { registry, clock } = createRegistry({
      defaults: { openMs: 1_000, strategy: { failureCount: 1 }, maxRecoveryAttempts: 1 },
    });
    const tracing = createTracing();
    using _ = instrumentBreakers({ registry, metrics: false });
    const breaker = registry.get(kraken);
    await breaker.execute(refused).catch(() => {});
    await clock.advance(1_000);
    await breaker.execute(refused).catch(() => {}); // the one recovery attempt fails

    const span = await inSpan(tracing, () => breaker.execute(async () => 1).catch(() => {}));

    expect(span.events[0]?.attributes).toEqual({
      'breakwater.breaker': kraken,
      'breakwater.state': 'open',
    });
  });

  it('follows breakers added later, forgets removed ones, and stops at dispose()', async () => {
    const { registry } = createRegistry();
    const tracing = createTracing();
    const instrumentation = instrumentBreakers({ registry, metrics: false });
    const later = registry.forceOpen('later');

    let span = await inSpan(tracing, () => later.execute(async () => 1).catch(() => {}), 'first');
    expect(events(span).map(({ name }) => name)).toEqual(['breakwater.rejected']);

    registry.delete('later');
    instrumentation.dispose();
    instrumentation.dispose();
    const again = registry.forceOpen('again');
    span = await inSpan(tracing, () => again.execute(async () => 1).catch(() => {}), 'second');
    expect(span.events).toEqual([]);
  });

  it('refuses to trace a registry twice, and traces it again once disposed', () => {
    const { registry } = createRegistry();
    const first = instrumentBreakers({ registry, metrics: false });

    expect(() => instrumentBreakers({ registry })).toThrow(
      /^Invalid option `registry`: expected a registry whose spans are not recorded yet/,
    );
    instrumentBreakers({ registry, traces: false }).dispose();
    first.dispose();
    instrumentBreakers({ registry }).dispose();
  });

  it('records nothing outside a span and changes no call’s result', async () => {
    const { registry, errors } = createRegistry();
    using _ = instrumentBreakers({ registry, metrics: false });
    const breaker = registry.get(kraken);

    await expect(breaker.execute(refused)).rejects.toThrow('ECONNREFUSED');
    await expect(breaker.execute(async () => 1)).rejects.toThrow(/open/);

    expect(errors).toEqual([]);
  });

  it('keeps recording when another listener throws', async () => {
    const { registry, errors } = createRegistry();
    const tracing = createTracing();
    registry.on('stateChange', () => {
      throw new Error('listener bug');
    });
    using _ = instrumentBreakers({ registry, metrics: false });

    const span = await inSpan(tracing, () =>
      registry
        .get(kraken)
        .execute(refused)
        .catch(() => {}),
    );

    expect(events(span).map(({ name }) => name)).toEqual(['breakwater.state_change']);
    expect(errors).toEqual([new Error('listener bug')]);
  });

  it('reports a span that throws to onListenerError and leaves the call alone', async () => {
    const { registry, errors } = createRegistry();
    using _ = instrumentBreakers({ registry, metrics: false });
    const breaker = registry.forceOpen(kraken);
    const broken = {
      isRecording: () => true,
      setAttributes: () => {
        throw new Error('exporter bug');
      },
      spanContext: () => ({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }),
    } as unknown as Span;

    const result = context.with(trace.setSpan(context.active(), broken), () =>
      breaker.execute(async () => 1),
    );

    await expect(result).rejects.toThrow(/forced open/);
    expect(errors).toEqual([new Error('exporter bug')]);
  });
});
