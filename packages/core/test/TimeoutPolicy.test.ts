import { isBreakwaterConfigError, ManualClock, TimeoutError, timeout } from '@breakwater/core';
import type { DeadlineEvent } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

/** An action that never settles on its own and records the signal it got. */
function hanging() {
  const seen: { signal: AbortSignal | undefined } = { signal: undefined };
  const fn = (signal: AbortSignal | undefined) => {
    seen.signal = signal;
    return new Promise<never>(() => {});
  };
  return { fn, seen };
}

describe('TimeoutPolicy', () => {
  it('rejects with TimeoutError at the deadline and aborts the signal in aggressive mode', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { clock });
    const { fn, seen } = hanging();
    const result = policy.execute(fn).catch((error: unknown) => error);
    await clock.advance(99);
    expect(seen.signal?.aborted).toBe(false);
    await clock.advance(1);
    const error = await result;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(seen.signal?.aborted).toBe(true);
    expect(seen.signal?.reason).toBe(error);
    expect(clock.pendingTimers).toBe(0);
  });

  it('only aborts the signal in cooperative mode and waits for the call to settle', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { mode: 'cooperative', clock });
    let signal: AbortSignal | undefined;
    let finish: (value: string) => void = () => {};
    const result = policy.execute(
      (s) =>
        new Promise<string>((resolve) => {
          signal = s;
          finish = resolve;
        }),
    );
    let settled = false;
    void result.then(() => {
      settled = true;
    });
    await clock.advance(150);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TimeoutError);
    expect(settled).toBe(false);
    finish('late but fine');
    await expect(result).resolves.toBe('late but fine');
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the timeout when a cooperative call honours its signal', async () => {
    const clock = new ManualClock();
    const policy = timeout(50, { mode: 'cooperative', clock });
    const result = policy
      .execute(
        (signal) =>
          new Promise((_, reject) =>
            signal!.addEventListener('abort', () => reject(signal!.reason)),
          ),
      )
      .catch((error: unknown) => error);
    await clock.advance(50);
    expect(await result).toBeInstanceOf(TimeoutError);
  });

  it("rejects with the caller's reason when the caller aborts, and clears the deadline", async () => {
    const clock = new ManualClock();
    const policy = timeout(1_000, { clock });
    const caller = new AbortController();
    const { fn, seen } = hanging();
    const result = policy.execute(fn, { signal: caller.signal }).catch((error: unknown) => error);
    const reason = new Error('user cancelled');
    caller.abort(reason);
    expect(await result).toBe(reason);
    expect(seen.signal?.reason).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects at once without calling the action when the signal is already aborted', async () => {
    const clock = new ManualClock();
    const policy = timeout(1_000, { clock });
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    let called = false;
    await expect(
      policy.execute(
        async () => {
          called = true;
        },
        { signal: caller.signal },
      ),
    ).rejects.toThrow('gone');
    expect(called).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('leaves no timer behind when the call settles before the deadline', async () => {
    const clock = new ManualClock();
    const policy = timeout(1_000, { clock });
    await expect(policy.execute(async () => 'ok')).resolves.toBe('ok');
    await expect(policy.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      policy.execute(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets a per-call timeoutMs override the default, and Infinity disable it', async () => {
    const clock = new ManualClock();
    const policy = timeout(1_000, { clock });
    const short = policy.execute(hanging().fn, { timeoutMs: 10 }).catch((error: unknown) => error);
    await clock.advance(10);
    expect(((await short) as TimeoutError).timeoutMs).toBe(10);

    const caller = new AbortController();
    const { fn, seen } = hanging();
    void policy.execute(fn, { timeoutMs: Infinity, signal: caller.signal });
    expect(seen.signal).toBe(caller.signal);
    expect(clock.pendingTimers).toBe(0);
  });

  it('emits timeout with the deadline, mode and context only when the deadline passes', async () => {
    const clock = new ManualClock();
    const policy = timeout(20, { clock });
    const events: DeadlineEvent[] = [];
    const unsubscribe = policy.on('timeout', (event) => events.push(event));
    await policy.execute(async () => 'fast');
    const context = { endpoint: 'ticker' };
    const slow = policy.execute(hanging().fn, { context }).catch(() => {});
    await clock.advance(20);
    await slow;
    expect(events).toEqual([{ timeoutMs: 20, mode: 'aggressive', context }]);
    unsubscribe();
    const again = policy.execute(hanging().fn).catch(() => {});
    await clock.advance(20);
    await again;
    expect(events).toHaveLength(1);
  });

  it('rejects invalid and unknown options with a BreakwaterConfigError', () => {
    expect(() => timeout(0)).toThrow(
      'Invalid option `timeoutMs`: expected a finite number from 1 to 2147483647, received 0.',
    );
    expect(() => timeout(10, { mode: 'eager' as never })).toThrow('`mode`');
    const error = (() => {
      try {
        timeout(10, { timeout: 5 } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(isBreakwaterConfigError(error)).toBe(true);
  });

  it('rejects a per-call timeoutMs that is not a positive number', async () => {
    const policy = timeout(10, { clock: new ManualClock() });
    await expect(policy.execute(async () => 1, { timeoutMs: -1 })).rejects.toThrow('`timeoutMs`');
  });
});
