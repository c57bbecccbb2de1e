import { isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import { type CheckReturn, HealthMonitor } from '@breakwater/dashboard';
import { describe, expect, it } from 'vitest';

/** A check whose answers the test sets, counting its runs. */
function scripted(initial: CheckReturn | Error = undefined) {
  const state = {
    answer: initial as CheckReturn | Error,
    runs: 0,
    signals: [] as AbortSignal[],
    check: (signal: AbortSignal): Promise<CheckReturn> => {
      state.runs++;
      state.signals.push(signal);
      const answer = state.answer;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return state;
}

function setup(options: ConstructorParameters<typeof HealthMonitor>[0] = {}) {
  const clock = new ManualClock();
  const monitor = new HealthMonitor({ clock, ...options });
  return { clock, monitor };
}

describe('HealthMonitor', () => {
  it('runs each check at start, then on its own interval', async () => {
    const { clock, monitor } = setup();
    const fast = scripted();
    const slow = scripted();
    monitor.register('fast', fast.check, { intervalMs: 1_000 });
    monitor.register('slow', slow.check, { intervalMs: 5_000 });
    monitor.start();
    await clock.advance(0);
    expect([fast.runs, slow.runs]).toEqual([1, 1]);
    await clock.advance(4_000);
    expect([fast.runs, slow.runs]).toEqual([5, 1]);
    await clock.advance(1_000);
    expect([fast.runs, slow.runs]).toEqual([6, 2]);
    monitor.stop();
  });

  it('keeps its intervals when the wall clock steps', async () => {
    const { clock, monitor } = setup();
    const check = scripted();
    monitor.register('api', check.check, { intervalMs: 1_000 });
    monitor.start();
    await clock.advance(0);
    clock.setNow(clock.now() - 3_600_000); // NTP steps back an hour
    await clock.advance(1_000);
    expect(check.runs).toBe(2);
    clock.setNow(clock.now() + 86_400_000); // a VM resumes a day later
    await clock.advance(999);
    expect(check.runs).toBe(2);
    await clock.advance(1);
    expect(check.runs).toBe(3);
    expect(monitor.check('api')!.last!.at).toBe(clock.now());
    monitor.stop();
  });

  it('alerts after failureCount failures in a row and recovers after successCount successes', async () => {
    const { clock, monitor } = setup();
    const api = scripted(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    monitor.register('api', api.check, { intervalMs: 1_000, failureCount: 3, successCount: 2 });
    const seen: string[] = [];
    monitor.on('alert', ({ alert }) => seen.push(`alert ${alert.check} ${alert.severity}`));
    monitor.on('recovery', ({ alert }) => seen.push(`recovery ${alert.check}`));
    monitor.on('statusChange', ({ from, to }) => seen.push(`${from} -> ${to}`));
    expect(monitor.status).toBe('degraded'); // registered: unknown until its first run
    monitor.start();
    await clock.advance(0);
    expect(monitor.check('api')).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
    expect(monitor.status).toBe('degraded');
    await clock.advance(1_000);
    expect(monitor.alerts()).toEqual([]);
    await clock.advance(1_000);
    expect(monitor.check('api')).toMatchObject({ status: 'unhealthy', alerting: true });
    expect(monitor.status).toBe('unhealthy');
    const [alert] = monitor.alerts({ activeOnly: true });
    expect(alert).toMatchObject({
      id: 1,
      check: 'api',
      severity: 'critical',
      resolvedAt: undefined,
    });
    expect(alert!.message).toContain('failed 3 times in a row');
    expect(alert!.message).toContain('ECONNREFUSED');

    api.answer = undefined;
    await clock.advance(1_000);
    expect(monitor.check('api')).toMatchObject({ status: 'unhealthy', consecutiveSuccesses: 1 });
    await clock.advance(1_000);
    expect(monitor.check('api')).toMatchObject({ status: 'healthy', alerting: false });
    expect(monitor.alerts({ activeOnly: true })).toEqual([]);
    expect(monitor.alerts()[0]!.resolvedAt).toBe(clock.now());
    expect(seen).toEqual([
      'alert api critical',
      'degraded -> unhealthy',
      'recovery api',
      'unhealthy -> healthy',
    ]);
    expect(seen.at(-1)).toBe('unhealthy -> healthy');
    monitor.stop();
  });

  it('makes the monitor only degraded when a non-critical check alerts', async () => {
    const { clock, monitor } = setup({ defaults: { failureCount: 1 } });
    monitor.register('cache', () => false, { critical: false });
    monitor.register('db', () => true);
    monitor.start();
    await clock.advance(0);
    expect(monitor.check('cache')).toMatchObject({ status: 'unhealthy', alerting: true });
    expect(monitor.alerts()[0]).toMatchObject({ severity: 'warning' });
    expect(monitor.report()).toMatchObject({
      status: 'degraded',
      checks: [{ name: 'cache' }, { name: 'db', status: 'healthy' }],
    });
    monitor.stop();
  });

  it('reports a degraded answer as degraded without alerting', async () => {
    const { clock, monitor } = setup({ defaults: { failureCount: 1 } });
    monitor.register('kraken', () => ({ status: 'degraded', detail: 'cancel_only' }));
    monitor.start();
    await clock.advance(0);
    expect(monitor.check('kraken')).toMatchObject({
      status: 'degraded',
      alerting: false,
      last: { status: 'degraded', detail: 'cancel_only' },
    });
    expect(monitor.status).toBe('degraded');
    monitor.stop();
  });

  it('fails a run that outlives timeoutMs and aborts its signal', async () => {
    const { clock, monitor } = setup();
    let signal: AbortSignal | undefined;
    monitor.register(
      'hangs',
      (s) => {
        signal = s;
        return new Promise(() => {});
      },
      { timeoutMs: 2_000, intervalMs: 10_000 },
    );
    monitor.start();
    await clock.advance(1_999);
    expect(monitor.check('hangs')!.last).toBeUndefined();
    await clock.advance(1);
    expect(monitor.check('hangs')!.last).toMatchObject({
      status: 'unhealthy',
      detail: 'timed out after 2000 ms',
      durationMs: 2_000,
    });
    expect(signal!.aborted).toBe(true);
    expect((signal!.reason as Error).name).toBe('TimeoutError');
    monitor.stop();
  });

  it('never overlaps two runs of one check', async () => {
    const { clock, monitor } = setup();
    let runs = 0;
    let finish: () => void = () => {};
    monitor.register(
      'slow',
      () => {
        runs++;
        return new Promise<undefined>((resolve) => {
          finish = () => resolve(undefined);
        });
      },
      { intervalMs: 1_000, timeoutMs: 60_000 },
    );
    monitor.start();
    await clock.advance(5_000);
    const joined = monitor.run('slow');
    expect(runs).toBe(1);
    finish();
    expect(await joined).toMatchObject({ status: 'healthy' });
    await clock.advance(1_000);
    expect(runs).toBe(2);
    monitor.stop();
  });

  it('leaves no timer after stop(), aborts runs in progress and drops their results', async () => {
    const { clock, monitor } = setup();
    const results: string[] = [];
    monitor.on('result', (r) => results.push(r.check));
    let signal: AbortSignal | undefined;
    monitor.register('a', () => undefined, { intervalMs: 1_000 });
    monitor.register(
      'b',
      (s) => {
        signal = s;
        return new Promise((resolve) => s.addEventListener('abort', () => resolve(undefined)));
      },
      { timeoutMs: 5_000 },
    );
    monitor.start();
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(2); // a's next run, b's deadline
    monitor.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(signal!.aborted).toBe(true);
    await clock.advance(10_000);
    expect(results).toEqual(['a']);
    expect(monitor.running).toBe(false);
    monitor.start();
    await clock.advance(0);
    expect(results).toEqual(['a', 'a']);
    monitor.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('runs a check registered while started at once, and forgets an unregistered one', async () => {
    const { clock, monitor } = setup({ defaults: { failureCount: 1 } });
    monitor.start();
    const late = scripted(new Error('down'));
    const off = monitor.register('late', late.check, { intervalMs: 1_000 });
    await clock.advance(0);
    expect(late.runs).toBe(1);
    expect(monitor.alerts({ activeOnly: true })).toHaveLength(1);
    const recoveries: number[] = [];
    monitor.on('recovery', ({ alert }) => recoveries.push(alert.id));
    off();
    off();
    expect(recoveries).toEqual([1]);
    expect(monitor.check('late')).toBeUndefined();
    expect(monitor.status).toBe('healthy');
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(5_000);
    expect(late.runs).toBe(1);
    monitor.stop();
  });

  it('keeps a bounded alert history, dropping resolved alerts first', async () => {
    const { clock, monitor } = setup({
      maxAlerts: 2,
      defaults: { failureCount: 1, successCount: 1 },
    });
    const flaky = scripted(new Error('down'));
    const stuck = scripted(new Error('down'));
    monitor.register('flaky', flaky.check);
    await monitor.run('flaky'); // alert 1
    monitor.register('stuck', stuck.check);
    await monitor.run('stuck'); // alert 2, active
    flaky.answer = undefined;
    await monitor.run('flaky'); // alert 1 resolved
    flaky.answer = new Error('down again');
    await monitor.run('flaky'); // alert 3: drops resolved alert 1, not active alert 2
    expect(monitor.alerts().map((a) => a.id)).toEqual([3, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('redacts secrets from what a failing check reports', async () => {
    const { monitor } = setup({ defaults: { failureCount: 1 } });
    const key = 'Zk3q9XbV7LmN2pR8sT4wY6aC1dE5fG0hJ';
    monitor.register('private', () => {
      throw new Error(`GET https://api.example.com/balance?apiKey=${key} failed: token=${key}`);
    });
    const result = await monitor.run('private');
    expect(result.detail).not.toContain(key);
    expect(JSON.stringify(monitor.report())).not.toContain(key);
    expect(JSON.stringify(monitor.alerts())).not.toContain(key);
  });

  it('treats false, a throw and a nonsense answer as failures', async () => {
    const { monitor } = setup();
    monitor.register('false', () => false);
    monitor.register('throws', () => {
      throw new TypeError('boom');
    });
    monitor.register('nonsense', () => ({ status: 'fine' }) as never);
    expect((await monitor.run('false')).status).toBe('unhealthy');
    expect(await monitor.run('throws')).toMatchObject({
      status: 'unhealthy',
      detail: 'TypeError: boom',
    });
    expect((await monitor.run('nonsense')).status).toBe('unhealthy');
  });

  it('survives a listener that throws', async () => {
    const errors: unknown[] = [];
    const { monitor } = setup({ onListenerError: (error) => errors.push(error) });
    monitor.on('result', () => {
      throw new Error('listener bug');
    });
    monitor.register('ok', () => true);
    expect((await monitor.run('ok')).status).toBe('healthy');
    expect(monitor.check('ok')!.status).toBe('healthy');
    expect(errors).toHaveLength(1);
  });

  it('rejects bad options with a BreakwaterConfigError naming the option', () => {
    const bad: [() => unknown, string][] = [
      [() => new HealthMonitor({ maxAlerts: 0 }), 'maxAlerts'],
      [() => new HealthMonitor({ defaults: { intervalMs: 0 } }), 'defaults.intervalMs'],
      [() => new HealthMonitor({ defaults: { failureCount: 1.5 } }), 'defaults.failureCount'],
      [() => new HealthMonitor({ clock: {} as never }), 'clock'],
      [() => new HealthMonitor({ interval: 5 } as never), 'interval'],
      [() => new HealthMonitor().register('', () => true), 'name'],
      [() => new HealthMonitor().register('x', 'nope' as never), 'check'],
      [() => new HealthMonitor().register('x', () => true, { timeoutMs: -1 }), 'timeoutMs'],
      [() => new HealthMonitor().run('missing'), 'name'],
    ];
    for (const [make, option] of bad) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      expect(isBreakwaterConfigError(caught), option).toBe(true);
      expect((caught as { option: string }).option).toBe(option);
    }
    const monitor = new HealthMonitor();
    monitor.register('x', () => true);
    expect(() => monitor.register('x', () => true)).toThrow(/no other check/);
  });
});
