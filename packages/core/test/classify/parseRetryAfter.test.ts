import { parseRetryAfter } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const now = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['120', 120_000],
    [' 7 ', 7_000],
    ['1.5', 1_500],
    ['0.0001', 1],
    ['.25', 250],
  ])('reads delay-seconds %j as %d ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads an IMF-fixdate relative to the given time', () => {
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 format', () => {
    expect(parseRetryAfter('Monday, 23-Nov-26 12:01:00 GMT', now)).toBe(60_000);
  });

  it('reads the asctime format', () => {
    expect(parseRetryAfter('Mon Nov 23 12:00:05 2026', now)).toBe(5_000);
    expect(parseRetryAfter('Tue Dec  1 12:00:00 2026', now)).toBe(8 * 86_400_000);
  });

  it('reads a two-digit year far in the future as the past century', () => {
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['   '],
    ['-5'],
    ['+5'],
    ['5s'],
    ['1e3'],
    ['soon'],
    ['Mon, 23 Nov 2026'],
    ['Mon, 31 Feb 2026 12:00:00 GMT'],
    ['Mon, 23 Nov 2026 25:00:00 GMT'],
    ['Mon, 23 Foo 2026 12:00:00 GMT'],
    ['2026-11-23T12:00:30Z'],
  ])('rejects %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('returns huge values as they are, for the breaker to cap', () => {
    expect(parseRetryAfter('31536000000', now)).toBe(31_536_000_000_000);
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(Infinity);
  });
});
