import { BreakwaterConfigError, redactHeaders } from '@breakwater/core';
import { isSensitiveHeader } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

describe('redactHeaders', () => {
  it('lower-cases names and redacts credentials in a Headers instance', () => {
    const headers = new Headers({
      Authorization: 'Bearer abc',
      'Content-Type': 'application/json',
      Cookie: 'sid=1',
    });
    expect(redactHeaders(headers)).toEqual({
      authorization: '[redacted]',
      'content-type': 'application/json',
      cookie: '[redacted]',
    });
  });

  it('reads plain objects with string, array and number values, skipping undefined', () => {
    expect(
      redactHeaders({
        'Set-Cookie': ['a=1', 'b=2'],
        'Content-Length': 42,
        Accept: ['application/json', 'text/plain'],
        'X-Missing': undefined,
      }),
    ).toEqual({
      'set-cookie': '[redacted]',
      'content-length': '42',
      accept: 'application/json, text/plain',
    });
  });

  it('reads iterables of pairs and joins repeated names', () => {
    const pairs: [string, string][] = [
      ['Via', '1.1 a'],
      ['via', '1.1 b'],
      ['X-Api-Key', 'k'],
    ];
    expect(redactHeaders(pairs)).toEqual({ via: '1.1 a, 1.1 b', 'x-api-key': '[redacted]' });
    expect(redactHeaders(new Map([['Retry-After', '30']]))).toEqual({ 'retry-after': '30' });
  });

  it('redacts URLs in Location and Referer', () => {
    expect(
      redactHeaders({ Location: 'https://u:p@example.com/next?token=abc', Referer: 'nope' }),
    ).toEqual({ location: 'https://example.com/next?[redacted]', referer: '[invalid url]' });
  });

  it('keeps allowed names and redacts extra ones', () => {
    expect(
      redactHeaders(
        { 'KC-API-KEY-VERSION': '2', 'X-Client-Id': 'c1', Accept: '*/*' },
        { allow: ['kc-api-key-version'], redact: ['X-CLIENT-ID'] },
      ),
    ).toEqual({ 'kc-api-key-version': '2', 'x-client-id': '[redacted]', accept: '*/*' });
  });

  it('does not let a header named __proto__ change the result', () => {
    const result = redactHeaders([['__proto__', 'x']]);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__']);
  });

  it('returns an empty object for input that is not headers', () => {
    expect(redactHeaders(null as never)).toEqual({});
    expect(redactHeaders('Authorization: x' as never)).toEqual({});
    expect(redactHeaders([['ok', '1'], 'bad', [1, 2]] as never)).toEqual({ ok: '1' });
  });

  it('rejects unknown options and lists that are not arrays of strings', () => {
    expect(() => redactHeaders({}, { allow: 'cookie' } as never)).toThrow(BreakwaterConfigError);
    expect(() => redactHeaders({}, { alow: [] } as never)).toThrow(/alow/);
  });

  it('recognises sensitive names in any case', () => {
    for (const name of ['authorization', 'Proxy-Authorization', 'X-Session-Id', 'X-Auth-Token']) {
      expect(isSensitiveHeader(name)).toBe(true);
    }
    for (const name of ['content-type', 'retry-after', 'x-ratelimit-remaining', 'date']) {
      expect(isSensitiveHeader(name)).toBe(false);
    }
  });
});
