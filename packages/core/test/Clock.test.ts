import { maxTimerMs, systemClock } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

describe('systemClock', () => {
  it('schedules nothing for a delay no platform timer can hold', () => {
    // Node fires a setTimeout over 2^31 - 1 ms after 1 ms: a 34-day deadline must not.
    expect(systemClock.setTimeout(() => expect.unreachable(), maxTimerMs + 1)).toBeUndefined();
    expect(systemClock.setTimeout(() => expect.unreachable(), Infinity)).toBeUndefined();
    const handle = systemClock.setTimeout(() => {}, maxTimerMs);
    expect(handle).toBeDefined();
    systemClock.clearTimeout(handle);
  });
});
