import { BreakerOpenError, isTimeoutError, TimeoutError } from '@breakwater/core';
import {
  defaultClassifier,
  isAbortError,
  isInvalidRequestError,
  networkErrorCode,
} from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const timeoutReason = new DOMException('signal timed out', 'TimeoutError');

describe('isTimeoutError', () => {
  it.each<[string, unknown]>([
    ['the reason of a timed-out signal', timeoutReason],
    ['Breakwater’s TimeoutError', new TimeoutError(100)],
    ['an AbortError caused by a TimeoutError', abortError(timeoutReason)],
    ['a timeout deep in the cause chain', wrap(wrap({ code: 'UND_ERR_BODY_TIMEOUT' }))],
    ['ETIMEDOUT', { code: 'ETIMEDOUT' }],
    ['ESOCKETTIMEDOUT', { code: 'ESOCKETTIMEDOUT' }],
    ['axios’ ECONNABORTED', { code: 'ECONNABORTED' }],
    ['undici’s connect timeout', { code: 'UND_ERR_CONNECT_TIMEOUT' }],
  ])('recognises %s', (_, error) => {
    expect(isTimeoutError(error)).toBe(true);
    expect(isAbortError(error)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['a plain AbortError', new DOMException('aborted', 'AbortError')],
    ['a reset connection', { code: 'ECONNRESET' }],
    ['a string naming a timeout', 'TimeoutError'],
    ['a number', 23],
  ])('rejects %s', (_, error) => {
    expect(isTimeoutError(error)).toBe(false);
  });
});

describe('isAbortError', () => {
  it.each<[string, unknown]>([
    ['a DOMException AbortError', new DOMException('aborted', 'AbortError')],
    ['the default reason of AbortSignal.abort()', AbortSignal.abort().reason],
    ['axios’ CanceledError', { name: 'CanceledError', code: 'ERR_CANCELED' }],
    ['got’s CancelError', { name: 'CancelError', code: 'ERR_CANCELED' }],
    ['Node’s ABORT_ERR', { code: 'ABORT_ERR' }],
    ['a wrapped abort', wrap(abortError())],
  ])('recognises %s', (_, error) => {
    expect(isAbortError(error)).toBe(true);
  });

  it('treats an abort with a timeout anywhere in its chain as a timeout', () => {
    const error = wrap(abortError(wrap({ code: 'ETIMEDOUT' })));
    expect(isAbortError(error)).toBe(false);
    expect(isTimeoutError(error)).toBe(true);
  });
});

describe('networkErrorCode', () => {
  it.each<[string, unknown, string]>([
    ['a code on the error', { code: 'ECONNREFUSED' }, 'ECONNREFUSED'],
    [
      'undici’s cause',
      new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }),
      'UND_ERR_SOCKET',
    ],
    [
      'a TLS prefix',
      { code: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' },
      'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
    ],
    ['a certificate prefix', { code: 'CERT_NOT_YET_VALID' }, 'CERT_NOT_YET_VALID'],
    ['a fetch TypeError without a code', new TypeError('fetch failed'), 'ERR_NETWORK'],
    [
      'Firefox’s message',
      new TypeError('NetworkError when attempting to fetch resource.'),
      'ERR_NETWORK',
    ],
    ['MSW’s network error', new TypeError('Network error'), 'ERR_NETWORK'],
    ['ky’s NetworkError', { name: 'NetworkError' }, 'ERR_NETWORK'],
    ['axios’ ERR_NETWORK', { name: 'AxiosError', code: 'ERR_NETWORK' }, 'ERR_NETWORK'],
  ])('reads %s', (_, error, code) => {
    expect(networkErrorCode(error)).toBe(code);
  });

  it.each<[string, unknown]>([
    ['a timeout', { code: 'ETIMEDOUT' }],
    ['a bug’s TypeError', new TypeError('Cannot read properties of undefined')],
    ['a plain error', new Error('fetch failed')],
    ['an open breaker', BreakerOpenError.fast('k', 'open', 1)],
    ['null', null],
  ])('returns undefined for %s', (_, error) => {
    expect(networkErrorCode(error)).toBeUndefined();
  });
});

function wrap(cause: unknown): Error {
  return new Error('wrapped', { cause });
}

function abortError(cause?: unknown): Error {
  return Object.assign(new Error('aborted', { cause }), { name: 'AbortError' });
}

describe('isInvalidRequestError', () => {
  it("recognises errors from building a request with the caller's bad input", () => {
    const thrown = (build: () => unknown) => {
      try {
        build();
      } catch (error) {
        return error;
      }
      return expect.unreachable();
    };
    // What fetch rejects with for these inputs, before it sends anything.
    const headerError = thrown(() => new Request('http://localhost/', { headers: { x: 'a\nb' } }));
    const urlError = thrown(() => new Request('http://exa mple.com/'));
    for (const error of [
      headerError,
      urlError,
      Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' }),
      Object.assign(new Error('invalid argument'), { code: 'UND_ERR_INVALID_ARG' }),
      Object.assign(new Error('bad option'), { code: 'ERR_BAD_OPTION_VALUE' }),
      Object.assign(new Error('x'), { name: 'OptionsError' }),
    ]) {
      expect(isInvalidRequestError(error), String(error)).toBe(true);
      expect(defaultClassifier({ kind: 'error', error }, undefined, 0)).toEqual({
        verdict: 'ignore',
        category: 'client',
      });
    }
  });

  it('does not mistake a network failure or a plain TypeError for one', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    expect(isInvalidRequestError(fetchFailed)).toBe(false);
    expect(isInvalidRequestError(new TypeError('Cannot read properties of undefined'))).toBe(false);
  });
});
