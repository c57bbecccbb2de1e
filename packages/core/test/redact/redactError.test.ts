import { redactError } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

describe('redactError', () => {
  it('keeps the name and code and redacts URLs in the message', () => {
    const error = Object.assign(
      new Error('GET https://u:p@api.kraken.com/0/private/Balance?nonce=1. failed'),
      { code: 'ECONNRESET', config: { headers: { 'API-Key': 'k' } } },
    );
    expect(redactError(error)).toEqual({
      name: 'Error',
      code: 'ECONNRESET',
      message: 'GET https://api.kraken.com/0/private/Balance?[redacted]. failed',
    });
  });

  it('redacts sensitive assignments, bearer credentials and token-shaped runs', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const { message } = redactError(
      new Error(`apiKey=abc123 "secret": "xyz" Authorization: Bearer ${jwt} id ${jwt}`),
    );
    for (const secret of ['abc123', 'xyz', jwt, 'dozjgNryP4J3'])
      expect(message).not.toContain(secret);
    expect(message).toContain('apiKey=[redacted]');
  });

  it('keeps ordinary words, codes and host names', () => {
    const message =
      'getaddrinfo ENOTFOUND ec2-12-34-56-78.compute-1.amazonaws.com: UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
    expect(redactError(new Error(message)).message).toBe(message);
  });

  it('describes values that are not errors without echoing objects', () => {
    expect(redactError('failed: https://x.test/?key=1')).toEqual({
      name: 'NonError',
      message: 'failed: https://x.test/?[redacted]',
    });
    expect(redactError({ apiKey: 'k' })).toEqual({
      name: 'NonError',
      message: 'A non-error value was thrown (object).',
    });
    expect(redactError(undefined).message).toBe('A non-error value was thrown (undefined).');
  });

  it('cuts long messages', () => {
    expect(redactError(new Error('x '.repeat(2_000))).message.length).toBe(1_001);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(redactError(new TypeError('fetch failed')))).toBe(true);
  });

  it('gives the same text when a message is redacted twice', () => {
    const once = redactError(
      new Error(
        'GET https://api.kraken.com/0/private/Balance?nonce=1&otp=2 failed (see https://docs.example.com/x_(y)).',
      ),
    ).message;
    expect(once).toBe(
      'GET https://api.kraken.com/0/private/Balance?[redacted] failed (see https://docs.example.com/x_(y)).',
    );
    expect(redactError(once).message).toBe(once);
  });
});
