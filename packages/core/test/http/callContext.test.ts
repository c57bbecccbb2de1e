import { isBreakwaterConfigError } from '@breakwater/core';
import { createCallContext, deriveKey, isIdempotent } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const url = new URL('https://api.kraken.com/0/private/AddOrder?nonce=1&sig=abc');

describe('isIdempotent', () => {
  it('accepts the idempotent methods in any case', () => {
    for (const method of ['GET', 'head', 'OPTIONS', 'put', 'DELETE', 'TRACE']) {
      expect(isIdempotent(method)).toBe(true);
    }
    expect(isIdempotent('POST')).toBe(false);
    expect(isIdempotent('patch')).toBe(false);
  });

  it('accepts any method with an Idempotency-Key header', () => {
    expect(isIdempotent('POST', { 'Idempotency-Key': 'k-1' })).toBe(true);
    expect(isIdempotent('PATCH', new Headers({ 'idempotency-key': 'k-2' }))).toBe(true);
    expect(isIdempotent('POST', { 'content-type': 'application/json' })).toBe(false);
  });
});

describe('deriveKey', () => {
  it('is the origin by default, never the path or the query', () => {
    expect(deriveKey({ url, method: 'POST' })).toBe('https://api.kraken.com');
  });

  it('uses a key function for endpoint groups', () => {
    const key = ({ url: u }: { url: URL }) =>
      u.pathname.startsWith('/0/private/') ? 'kraken:private' : 'kraken:public';
    expect(deriveKey({ url, method: 'POST' }, key)).toBe('kraken:private');
  });

  it('rejects a key function that returns no key', () => {
    const error = (() => {
      try {
        deriveKey({ url, method: 'GET' }, () => '' as string);
      } catch (e) {
        return e;
      }
    })();
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /`key`: expected a function that returns a non-empty string/,
    );
  });
});

describe('createCallContext', () => {
  it('fills key, upper-case method, endpoint and idempotency', () => {
    expect(createCallContext({ url, method: 'post' }, 'https://api.kraken.com')).toEqual({
      key: 'https://api.kraken.com',
      method: 'POST',
      endpoint: 'https://api.kraken.com',
      idempotent: false,
    });
  });

  it('takes an idempotency override and extra fields last', () => {
    const context = createCallContext({ url, method: 'POST' }, 'k', true, { endpoint: 'orders' });
    expect(context).toEqual({ key: 'k', method: 'POST', endpoint: 'orders', idempotent: true });
  });
});
