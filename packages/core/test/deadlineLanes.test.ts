import { execFile } from 'node:child_process';
import { TimeoutError, timeout } from '@breakwater/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A call that never settles unless its signal aborts. */
const hang = (signal: AbortSignal | undefined) =>
  new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));

describe('deadlines on the system clock share one timer per duration', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each call at its own deadline, never before, in the order they started', async () => {
    const policy = timeout(100);
    const expired: number[] = [];
    const start = () =>
      policy.execute(hang).catch((error: unknown) => {
        expect(error).toBeInstanceOf(TimeoutError);
        expired.push(Math.round(performance.now()));
      });
    const calls = [start()];
    await vi.advanceTimersByTimeAsync(30);
    calls.push(start());
    await vi.advanceTimersByTimeAsync(30);
    calls.push(start());
    await vi.advanceTimersByTimeAsync(39);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual([100]);
    await vi.advanceTimersByTimeAsync(29);
    expect(expired).toEqual([100]);
    await vi.advanceTimersByTimeAsync(31);
    expect(expired).toEqual([100, 130, 160]);
    await Promise.all(calls);
  });

  it('lets calls that settle first leave without a timer each', async () => {
    const policy = timeout(1_000);
    for (let i = 0; i < 1_000; i++) await policy.execute(() => Promise.resolve(i));
    // One shared timer at most, not one per call.
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
    // A settled call never expires later.
    const late: unknown[] = [];
    await policy.execute(() => Promise.resolve('done')).then((v) => late.push(v));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(late).toEqual(['done']);
  });

  it('keeps exact deadlines for calls of different durations', async () => {
    const short = timeout(50)
      .execute(hang)
      .catch(() => Math.round(performance.now()));
    const long = timeout(500)
      .execute(hang)
      .catch(() => Math.round(performance.now()));
    await vi.advanceTimersByTimeAsync(500);
    expect([await short, await long]).toEqual([50, 500]);
  });
});

describe('a process with deadlines can exit', () => {
  /** Runs `code` in a fresh Node process on the built-from-source core; resolves its output. */
  function run(code: string): Promise<{ ms: number; out: string }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=@breakwater/source', '--input-type=module', '-e', code],
        { cwd: new URL('..', import.meta.url).pathname, timeout: 30_000 },
        (error, stdout) => {
          if (error) reject(error);
          else resolve({ ms: performance.now() - started, out: stdout.trim() });
        },
      );
    });
  }

  it('exits at once when every call settled before its long deadline', async () => {
    const { ms, out } = await run(
      "import { timeout } from '@breakwater/core';" +
        'const policy = timeout(60_000);' +
        'for (let i = 0; i < 3; i++) await policy.execute(() => Promise.resolve(i));' +
        "console.log('done');",
    );
    expect(out).toBe('done');
    // Far below the 60 s deadline: an unref'd lane timer does not hold the process.
    expect(ms).toBeLessThan(20_000);
  }, 30_000);

  it('stays alive for a pending call until its deadline rejects it', async () => {
    const { out } = await run(
      "import { timeout } from '@breakwater/core';" +
        'await timeout(200).execute(() => new Promise(() => {})).catch((e) => console.log(e.name));',
    );
    expect(out).toBe('TimeoutError');
  }, 30_000);
});
