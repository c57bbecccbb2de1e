import { CircuitBreaker, isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import { FailureAnalyzer } from '@breakwater/exchanges';
import { describe, expect, it } from 'vitest';

const minute = 60_000;

function setup(options: ConstructorParameters<typeof FailureAnalyzer>[0] = {}) {
  const clock = new ManualClock();
  return { clock, analyzer: new FailureAnalyzer({ clock, ...options }) };
}

describe('FailureAnalyzer', () => {
  it('classifies a failure by the built-in patterns', () => {
    const { analyzer } = setup();
    const record = analyzer.record('binance', {
      status: 429,
      message: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.',
    });
    expect(record).toMatchObject({ category: 'rate_limit', severity: 'medium', status: 429 });
    expect(record.patterns).toContain('rate_limit');
  });

  it('keeps the category a breaker gave, and the highest severity of the matched patterns', () => {
    const { analyzer } = setup();
    const record = analyzer.record('binance', {
      category: 'rate_limit',
      status: 418,
      message: 'Way too much request weight used; IP banned until 1767226200000.',
    });
    expect(record).toMatchObject({ category: 'rate_limit', severity: 'critical' });
    expect(record.patterns).toEqual(expect.arrayContaining(['ip_ban', 'rate_limit']));
  });

  it('matches user patterns by regex, keyword and status, before the built-in ones', () => {
    const { analyzer } = setup({
      patterns: [
        {
          name: 'kraken_rate_limit',
          category: 'rate_limit',
          severity: 'high',
          regex: [/rate\s+limit/i, 'too\\s+many\\s+requests'],
          keywords: ['throttle'],
          statusCodes: [429],
          frequencyThreshold: 2,
        },
      ],
    });
    expect(analyzer.record('kraken', { message: 'EAPI:Rate limit exceeded' }).patterns[0]).toBe(
      'kraken_rate_limit',
    );
    expect(analyzer.record('kraken', { message: 'we throttle you' }).patterns).toEqual([
      'kraken_rate_limit',
    ]);
    expect(analyzer.record('kraken', { status: 429 }).category).toBe('rate_limit');
    const [top] = analyzer.analyze('kraken').topPatterns;
    expect(top).toMatchObject({
      name: 'kraken_rate_limit',
      count: 3,
      frequent: true,
      severity: 'high',
    });
  });

  it('computes the failure rate per minute over the window', () => {
    const { analyzer } = setup({ windowMs: 5 * minute });
    for (let i = 0; i < 10; i++) analyzer.record('okx', { status: 503 });
    const analysis = analyzer.analyze('okx');
    expect(analysis.totalFailures).toBe(10);
    expect(analysis.failureRatePerMinute).toBe(2);
    expect(analysis.categories).toEqual({ server: 10 });
  });

  it('forgets failures older than the window', async () => {
    const { analyzer, clock } = setup({ windowMs: minute });
    analyzer.record('bybit', { status: 500 });
    await clock.advance(minute + 1);
    expect(analyzer.analyze('bybit').totalFailures).toBe(0);
    expect(analyzer.analyze('bybit').trend).toBe('none');
  });

  it('measures its window on the monotonic clock, whatever the wall clock does', async () => {
    const { analyzer, clock } = setup({ windowMs: minute });
    analyzer.record('bybit', { status: 500 });
    clock.setNow(clock.now() - 3_600_000);
    expect(analyzer.analyze('bybit').totalFailures).toBe(1);
    await clock.advance(minute + 1);
    clock.setNow(clock.now() - 3_600_000);
    expect(analyzer.analyze('bybit').totalFailures).toBe(0);
  });

  it('sees an increasing trend when the later half of the window holds more failures', async () => {
    const { analyzer, clock } = setup({ windowMs: 4 * minute });
    analyzer.record('kraken', { status: 502 });
    await clock.advance(3 * minute);
    for (let i = 0; i < 4; i++) analyzer.record('kraken', { status: 502 });
    const analysis = analyzer.analyze('kraken');
    expect(analysis.trend).toBe('increasing');
    expect(analysis.recommendations.join(' ')).toMatch(/increasing/);
  });

  it('sees a decreasing trend when failures fade', async () => {
    const { analyzer, clock } = setup({ windowMs: 4 * minute });
    for (let i = 0; i < 5; i++) analyzer.record('kraken', { status: 502 });
    await clock.advance(3 * minute);
    analyzer.record('kraken', { status: 502 });
    expect(analyzer.analyze('kraken').trend).toBe('decreasing');
  });

  it('says to open at the failure threshold, with a reason', () => {
    const { analyzer } = setup({ minFailures: 3 });
    analyzer.record('coinbase', { status: 500 });
    analyzer.record('coinbase', { status: 500 });
    expect(analyzer.analyze('coinbase')).toMatchObject({ shouldOpen: false });
    analyzer.record('coinbase', { status: 503 });
    const analysis = analyzer.analyze('coinbase');
    expect(analysis.shouldOpen).toBe(true);
    expect(analysis.reason).toMatch(/3 failure\(s\).*threshold of 3/);
  });

  it('says to open at once on a critical failure such as a ban or lockout', () => {
    const { analyzer } = setup();
    analyzer.record('kraken', { message: 'EGeneral:Temporary lockout' });
    const analysis = analyzer.analyze('kraken');
    expect(analysis).toMatchObject({ shouldOpen: true, maxSeverity: 'critical' });
    expect(analysis.reason).toMatch(/ip_ban/);
    expect(analysis.recommendations[0]).toMatch(/ban or key lockout/);
  });

  it('never says to open for client and auth errors alone', () => {
    const { analyzer } = setup({ minFailures: 2 });
    for (let i = 0; i < 5; i++)
      analyzer.record('binance', {
        status: 401,
        message: 'Invalid API-key, IP, or permissions for action.',
      });
    const analysis = analyzer.analyze('binance');
    expect(analysis.shouldOpen).toBe(false);
    expect(analysis.categories).toEqual({ auth: 5 });
    expect(analysis.recommendations.join(' ')).toMatch(/API key/);
  });

  it('recommends reconciling orders whose outcome is unknown', () => {
    const { analyzer } = setup();
    analyzer.record('binance', {
      status: 502,
      uncertainEffect: true,
      context: { endpoint: 'order' },
    });
    const analysis = analyzer.analyze('binance');
    expect(analysis.uncertainEffects).toBe(1);
    expect(analysis.recommendations[0]).toMatch(/unknown outcome/);
  });

  it('bounds memory with maxEvents, dropping the oldest first', () => {
    const { analyzer } = setup({ maxEvents: 3 });
    for (let i = 0; i < 5; i++) analyzer.record('okx', { status: 500 + i });
    expect(analyzer.events('okx').map((e) => e.status)).toEqual([502, 503, 504]);
    expect(analyzer.statistics().services.okx).toEqual({ totalFailures: 5, storedEvents: 3 });
  });

  it('bounds the number of services, dropping the least recently recorded', () => {
    const { analyzer } = setup({ maxServices: 2 });
    analyzer.record('a', { status: 500 });
    analyzer.record('b', { status: 500 });
    analyzer.record('a', { status: 500 });
    analyzer.record('c', { status: 500 });
    expect(Object.keys(analyzer.statistics().services).sort()).toEqual(['a', 'c']);
  });

  it('stores only redacted errors and context', () => {
    const { analyzer } = setup();
    const secret = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u';
    const record = analyzer.record('binance', {
      error: new Error(
        `GET https://api.binance.com/api/v3/account?timestamp=1&signature=${secret} failed with apiKey=${secret}`,
      ),
      context: {
        url: `https://api.binance.com/api/v3/order?signature=${secret}`,
        note: `token: ${secret}`,
        attempt: 2,
      },
    });
    const stored = JSON.stringify(analyzer.events('binance'));
    expect(stored).not.toContain(secret);
    expect(record.error?.message).toContain('https://api.binance.com/api/v3/account?[redacted]');
    expect(record.context).toEqual({
      url: 'https://api.binance.com/api/v3/order?[redacted]',
      note: 'token: [redacted]',
      attempt: 2,
    });
    expect(Object.isFrozen(record)).toBe(true);
  });

  it('records the failure events of a breaker it watches', async () => {
    const clock = new ManualClock();
    const analyzer = new FailureAnalyzer({ clock });
    const breaker = new CircuitBreaker({ name: 'kraken:order', clock });
    const stop = analyzer.watch(breaker);
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    await expect(
      breaker.execute(() => Promise.reject(timeout), {
        context: { idempotent: false, endpoint: 'kraken:order' },
      }),
    ).rejects.toBe(timeout);
    stop();
    await expect(breaker.execute(() => Promise.reject(timeout))).rejects.toBe(timeout);
    const events = analyzer.events('kraken:order');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      category: 'timeout',
      uncertainEffect: true,
      context: { endpoint: 'kraken:order' },
    });
    breaker.dispose();
  });

  it('counts lifetime categories across services', () => {
    const { analyzer } = setup();
    analyzer.record('a', { status: 429 });
    analyzer.record('b', { status: 500 });
    analyzer.record('b', { status: 502 });
    expect(analyzer.statistics()).toMatchObject({
      totalFailures: 3,
      categories: { rate_limit: 1, server: 2 },
    });
    analyzer.reset('b');
    expect(analyzer.analyze('b').totalFailures).toBe(0);
    analyzer.reset();
    expect(analyzer.statistics().totalFailures).toBe(0);
  });

  it('rejects invalid options and patterns, naming them', () => {
    const bad = [
      { windowMs: 0 },
      { maxEvents: 1.5 },
      { maxEvent: 10 },
      { patterns: [{ name: 'x', category: 'rate_limit', severity: 'urgent', keywords: ['x'] }] },
      { patterns: [{ name: 'x', category: 'slow', severity: 'low', keywords: ['x'] }] },
      { patterns: [{ name: 'x', category: 'server', severity: 'low' }] },
      { patterns: [{ name: 'x', category: 'server', severity: 'low', regex: ['('] }] },
    ];
    for (const options of bad) {
      let caught: unknown;
      try {
        new FailureAnalyzer(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isBreakwaterConfigError(caught), JSON.stringify(options)).toBe(true);
    }
    expect(() => setup().analyzer.record('', {})).toThrow(/service/);
  });

  it('names the pattern of an unknown pattern option', () => {
    const pattern = { name: 'x', category: 'server', severity: 'low', keyword: ['x'] };
    expect(() => new FailureAnalyzer({ patterns: [pattern] } as never)).toThrow(
      'Unknown option `patterns[0].keyword` (did you mean `keywords`?): expected one of',
    );
  });
});
