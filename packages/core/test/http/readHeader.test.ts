import { readHeader } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

describe('readHeader', () => {
  it('reads a Fetch Headers case-insensitively', () => {
    const headers = new Headers({ 'Retry-After': '30' });
    expect(readHeader(headers, 'retry-after')).toBe('30');
    expect(readHeader(headers, 'RETRY-AFTER')).toBe('30');
    expect(readHeader(headers, 'x-missing')).toBeNull();
  });

  it('reads plain objects in any case, with numbers and repeated values', () => {
    const headers = { 'X-Rate': 5, 'set-cookie': ['a=1', 'b=2'], 'retry-after': '2' };
    expect(readHeader(headers, 'x-rate')).toBe('5');
    expect(readHeader(headers, 'Set-Cookie')).toBe('a=1, b=2');
    expect(readHeader(headers, 'Retry-After')).toBe('2');
    expect(readHeader({ other: undefined }, 'other')).toBeNull();
  });

  it('reads [name, value] pairs, joining repeated names', () => {
    const pairs: [string, string][] = [
      ['Accept', 'a'],
      ['accept', 'b'],
    ];
    expect(readHeader(pairs, 'accept')).toBe('a, b');
    expect(readHeader(pairs, 'idempotency-key')).toBeNull();
  });

  it('reads anything with get(): axios headers and Maps', () => {
    const axiosLike = { get: (name: string) => (name.toLowerCase() === 'x-a' ? 'yes' : undefined) };
    expect(readHeader(axiosLike, 'X-A')).toBe('yes');
    expect(readHeader(new Map([['x-b', '1']]), 'X-B')).toBe('1');
  });

  it('never throws: unreadable headers are absent', () => {
    const throwing = {
      get() {
        throw new Error('revoked');
      },
    };
    expect(readHeader(throwing, 'x')).toBeNull();
    expect(readHeader(null, 'x')).toBeNull();
    expect(readHeader(undefined, 'x')).toBeNull();
  });
});
