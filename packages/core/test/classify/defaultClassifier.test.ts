import { createServer } from 'node:net';
import { BreakerOpenError, type Outcome, TimeoutError, type Verdict } from '@breakwater/core';
import { defaultClassifier } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const now = Date.UTC(2026, 10, 23, 12, 0, 0);

function response(status: number, headers: Record<string, string> = {}): Outcome {
  return {
    kind: 'response',
    status,
    header: (name) => headers[name.toLowerCase()] ?? null,
  };
}

function error(value: unknown): Outcome {
  return { kind: 'error', error: value };
}

const failure = (category: string, extra: object = {}) => ({
  verdict: 'failure',
  category,
  ...extra,
});
const ignore = (category: string) => ({ verdict: 'ignore', category });
const success = { verdict: 'success', category: 'none' };

/** A rejection from another copy of Breakwater: only the brand and the code. */
function brandedError(code: string): object {
  return { [Symbol.for('breakwater.error')]: true, code, name: 'Error', message: code };
}

describe('defaultClassifier on responses', () => {
  it.each<[number, object]>([
    [100, success],
    [200, success],
    [204, success],
    [304, success],
    [399, success],
    [400, ignore('client')],
    [401, ignore('auth')],
    [403, ignore('auth')],
    [404, ignore('client')],
    [407, ignore('auth')],
    [408, failure('timeout')],
    [409, ignore('client')],
    [418, failure('rate_limit')],
    [422, ignore('client')],
    [429, failure('rate_limit')],
    [500, failure('server')],
    [502, failure('server')],
    [503, failure('server')],
    [504, failure('server')],
    [599, failure('server')],
    [0, failure('unknown')],
    [600, failure('unknown')],
    [Number.NaN, failure('unknown')],
  ])('classifies status %d', (status, expected) => {
    expect(defaultClassifier(response(status), undefined, now)).toEqual(expected);
  });

  it('carries Retry-After seconds on a 429', () => {
    const verdict = defaultClassifier(response(429, { 'retry-after': '30' }), undefined, now);
    expect(verdict).toEqual(failure('rate_limit', { retryAfterMs: 30_000 }));
  });

  it('carries a Retry-After date on a 503, relative to the given time', () => {
    const outcome = response(503, { 'retry-after': 'Mon, 23 Nov 2026 12:02:00 GMT' });
    expect(defaultClassifier(outcome, undefined, now)).toEqual(
      failure('server', { retryAfterMs: 120_000 }),
    );
  });

  it('honours Retry-After on a Binance 418 IP ban', () => {
    const verdict = defaultClassifier(response(418, { 'retry-after': '120' }), undefined, now);
    expect(verdict).toEqual(failure('rate_limit', { retryAfterMs: 120_000 }));
  });

  it('gives 0 for a Retry-After date in the past', () => {
    const outcome = response(429, { 'retry-after': 'Sun, 06 Nov 1994 08:49:37 GMT' });
    expect(defaultClassifier(outcome, undefined, now)).toEqual(
      failure('rate_limit', { retryAfterMs: 0 }),
    );
  });

  it('ignores a garbage Retry-After', () => {
    const verdict = defaultClassifier(response(429, { 'retry-after': 'later' }), undefined, now);
    expect(verdict).toEqual(failure('rate_limit'));
    expect(verdict).not.toHaveProperty('retryAfterMs');
  });

  it('reads the current time for a Retry-After date only when none is given', () => {
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    const verdict = defaultClassifier(response(429, { 'retry-after': future }));
    expect(verdict.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(verdict.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('does not read Retry-After on other statuses', () => {
    const verdict = defaultClassifier(response(500, { 'retry-after': '30' }), undefined, now);
    expect(verdict).toEqual(failure('server'));
  });

  it('returns shared frozen verdicts in the common cases', () => {
    const first = defaultClassifier(response(200));
    expect(first).toBe(defaultClassifier(response(201)));
    expect(Object.isFrozen(first)).toBe(true);
    expect(defaultClassifier(response(500))).toBe(defaultClassifier(response(502)));
    expect(defaultClassifier(error(new Error('x')))).toBe(defaultClassifier(error('y')));
  });
});

const timeoutReason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

describe('defaultClassifier on errors', () => {
  it.each<[string, unknown, object]>([
    ['a DOMException TimeoutError', new DOMException('x', 'TimeoutError'), failure('timeout')],
    ['an AbortError caused by a TimeoutError', abortError(timeoutReason), failure('timeout')],
    ['Breakwater’s TimeoutError', new TimeoutError(250), failure('timeout')],
    [
      'a ky-like TimeoutError',
      { name: 'TimeoutError', message: 'Request timed out' },
      failure('timeout'),
    ],
    ['a got-like TimeoutError', { name: 'TimeoutError', code: 'ETIMEDOUT' }, failure('timeout')],
    ['an axios timeout', { name: 'AxiosError', code: 'ECONNABORTED' }, failure('timeout')],
    [
      'an undici headers timeout',
      new TypeError('fetch failed', { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }),
      failure('timeout'),
    ],
    [
      'a plain AbortError',
      new DOMException('This operation was aborted', 'AbortError'),
      ignore('cancelled'),
    ],
    ['an axios cancel', { code: 'ERR_CANCELED', name: 'CanceledError' }, ignore('cancelled')],
    ['Node’s AbortError code', { name: 'Error', code: 'ABORT_ERR' }, ignore('cancelled')],
    [
      'undici fetch failed with ECONNRESET',
      new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }),
      failure('network'),
    ],
    ['a got-like RequestError', { name: 'RequestError', code: 'ECONNRESET' }, failure('network')],
    ['a browser fetch failure', new TypeError('Failed to fetch'), failure('network')],
    ['a Safari fetch failure', new TypeError('Load failed'), failure('network')],
    ['ky’s NetworkError', { name: 'NetworkError' }, failure('network')],
    ['a TLS failure', { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, failure('network')],
    ['a certificate failure', { code: 'CERT_HAS_EXPIRED' }, failure('network')],
    [
      'an open breaker',
      BreakerOpenError.fast('https://api.kraken.com', 'open', 1_000),
      ignore('rejected'),
    ],
    [
      'an open breaker wrapped by undici',
      new TypeError('fetch failed', { cause: BreakerOpenError.fast('k', 'open', 1_000) }),
      ignore('rejected'),
    ],
    [
      'an open breaker wrapped by got',
      { name: 'RequestError', code: 'ECONNRESET', cause: BreakerOpenError.fast('k', 'open') },
      ignore('rejected'),
    ],
    [
      'a full bulkhead from another copy',
      brandedError('BREAKWATER_BULKHEAD_REJECTED'),
      ignore('rejected'),
    ],
    ['a rate limiter rejection', brandedError('BREAKWATER_RATE_LIMITED'), ignore('rejected')],
    ['a plain Error', new Error('boom'), failure('unknown')],
    ['a TypeError from a bug', new TypeError('x is not a function'), failure('unknown')],
    ['a string', 'boom', failure('unknown')],
    ['undefined', undefined, failure('unknown')],
    ['null', null, failure('unknown')],
  ])('classifies %s', (_, value, expected) => {
    expect(defaultClassifier(error(value), undefined, now)).toEqual(expected);
  });

  it('classifies an axios error by its response, reading AxiosHeaders-like get()', () => {
    const headers = { get: (name: string) => (name === 'retry-after' ? '5' : undefined) };
    const axiosError = {
      name: 'AxiosError',
      code: 'ERR_BAD_REQUEST',
      response: { status: 429, headers },
    };
    expect(defaultClassifier(error(axiosError), undefined, now)).toEqual(
      failure('rate_limit', { retryAfterMs: 5_000 }),
    );
  });

  it('classifies a ky HTTPError by its fetch Response', () => {
    const res = new Response(null, { status: 503, headers: { 'Retry-After': '10' } });
    const kyError = Object.assign(new Error('Request failed'), {
      name: 'HTTPError',
      response: res,
    });
    expect(defaultClassifier(error(kyError), undefined, now)).toEqual(
      failure('server', { retryAfterMs: 10_000 }),
    );
  });

  it('classifies a got HTTPError by its statusCode and plain headers', () => {
    const gotError = {
      name: 'HTTPError',
      code: 'ERR_NON_2XX_3XX_RESPONSE',
      response: { statusCode: 429, headers: { 'Retry-After': ['7'] } },
    };
    expect(defaultClassifier(error(gotError), undefined, now)).toEqual(
      failure('rate_limit', { retryAfterMs: 7_000 }),
    );
  });

  it('ignores a 4xx carried by an error', () => {
    const axiosError = { name: 'AxiosError', response: { status: 401, headers: {} } };
    expect(defaultClassifier(error(axiosError), undefined, now)).toEqual(ignore('auth'));
  });

  it('survives a cyclic cause chain', () => {
    const a: { name: string; cause?: unknown } = { name: 'Error' };
    const b = { name: 'Error', cause: a };
    a.cause = b;
    expect(defaultClassifier(error(a))).toEqual(failure('unknown'));
    const self: { cause?: unknown } = {};
    self.cause = self;
    expect(defaultClassifier(error(self))).toEqual(failure('unknown'));
  });

  it('stops looking past eight causes', () => {
    let deep: unknown = { code: 'ECONNRESET' };
    for (let i = 0; i < 8; i++) deep = { name: 'Error', cause: deep };
    expect(defaultClassifier(error(deep))).toEqual(failure('unknown'));
  });

  it('gives unknown instead of throwing on values it cannot inspect', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(defaultClassifier(error(revoked.proxy))).toEqual(failure('unknown'));
    const throwing = {
      get name(): string {
        throw new Error('getter');
      },
    };
    expect(defaultClassifier(error(throwing))).toEqual(failure('unknown'));
    const badHeader: Outcome = {
      kind: 'response',
      status: 429,
      header: () => {
        throw new Error('x');
      },
    };
    expect(defaultClassifier(badHeader)).toEqual(failure('unknown'));
  });
});

describe('defaultClassifier with real fetch errors', () => {
  it('classifies a refused connection as a network failure', async () => {
    const port = await closedPort();
    const thrown = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(defaultClassifier(error(thrown))).toEqual(failure('network'));
  });

  it('classifies a fetch aborted by the caller as cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const thrown = await fetch('http://127.0.0.1:1/', { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(defaultClassifier(error(thrown))).toEqual(ignore('cancelled'));
  });

  it('classifies a fetch aborted with a timeout reason as a timeout', async () => {
    const controller = new AbortController();
    controller.abort(timeoutReason);
    const thrown = await fetch('http://127.0.0.1:1/', { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(defaultClassifier(error(thrown))).toEqual(failure('timeout'));
  });
});

describe('defaultClassifier and uncertain effects', () => {
  const post = { method: 'POST', idempotent: false };
  const get = { method: 'GET', idempotent: true };

  it.each<[string, Outcome, Verdict]>([
    ['a 500', response(500), failure('server', { uncertainEffect: true }) as Verdict],
    [
      'a 503 with Retry-After',
      response(503, { 'retry-after': '1' }),
      failure('server', { retryAfterMs: 1_000, uncertainEffect: true }) as Verdict,
    ],
    ['a timeout', error(timeoutReason), failure('timeout', { uncertainEffect: true }) as Verdict],
    ['a 408', response(408), failure('timeout', { uncertainEffect: true }) as Verdict],
    [
      'a reset connection',
      error({ code: 'ECONNRESET' }),
      failure('network', { uncertainEffect: true }) as Verdict,
    ],
    [
      'a bare fetch failure',
      error(new TypeError('Failed to fetch')),
      failure('network', { uncertainEffect: true }) as Verdict,
    ],
  ])('marks %s on a non-idempotent call', (_, outcome, expected) => {
    expect(defaultClassifier(outcome, post, now)).toEqual(expected);
    expect(defaultClassifier(outcome, get, now)).not.toHaveProperty('uncertainEffect');
    expect(defaultClassifier(outcome, { method: 'POST' }, now)).not.toHaveProperty(
      'uncertainEffect',
    );
  });

  it.each<[string, unknown]>([
    ['a refused connection', new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })],
    ['a DNS failure', { code: 'ENOTFOUND' }],
    ['a DNS timeout', { code: 'EAI_AGAIN' }],
    [
      'a connect timeout',
      new TypeError('fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }),
    ],
  ])('does not mark %s, where nothing was sent', (_, value) => {
    expect(defaultClassifier(error(value), post, now)).not.toHaveProperty('uncertainEffect');
  });

  it('does not mark rate limits, client errors or cancellations', () => {
    expect(defaultClassifier(response(429), post, now)).toEqual(failure('rate_limit'));
    expect(defaultClassifier(response(400), post, now)).toEqual(ignore('client'));
    expect(defaultClassifier(error(abortError()), post, now)).toEqual(ignore('cancelled'));
  });
});

function abortError(cause?: unknown): Error {
  return Object.assign(new Error('This operation was aborted', { cause }), { name: 'AbortError' });
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
