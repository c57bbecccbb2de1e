import { deriveKey, fetchRequestInfo } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

/** The key and URL a fetch call gets, as the guard reads them: the origin names the breaker. */
function keyOf(input: string | URL, base?: string): string | undefined {
  const request = fetchRequestInfo(input);
  if (request === undefined) return undefined;
  // The lazily parsed URL agrees with the key that was derived without it.
  expect(request.url.origin).toBe(deriveKey(request));
  if (base !== undefined) expect(request.url.href).toBe(new URL(input, base).href);
  return deriveKey(request);
}

describe('fetchRequestInfo', () => {
  it('names the breaker by the origin of each request, whichever came before', () => {
    const sequence: [string, string | undefined][] = [
      ['https://api.kraken.com/0/public/Time', 'https://api.kraken.com'],
      ['https://api.kraken.com/0/public/Ticker?pair=XBTUSD', 'https://api.kraken.com'],
      ['https://api.kraken.com', 'https://api.kraken.com'],
      ['https://api.kraken.com?x=1', 'https://api.kraken.com'],
      ['https://api.kraken.com#top', 'https://api.kraken.com'],
      // The same characters, continued: another host, another port, another scheme.
      ['https://api.kraken.com.evil.example/0/public/Time', 'https://api.kraken.com.evil.example'],
      ['https://api.kraken.com/', 'https://api.kraken.com'],
      ['https://api.kraken.com:8443/x', 'https://api.kraken.com:8443'],
      ['https://api.kraken.com:443/x', 'https://api.kraken.com'],
      ['https://api.kraken.com/x', 'https://api.kraken.com'],
      ['https://api.kraken.comx/x', 'https://api.kraken.comx'],
      ['http://api.kraken.com/x', 'http://api.kraken.com'],
      ['HTTPS://API.Kraken.com/x', 'https://api.kraken.com'],
      ['HTTPS://API.Kraken.com/y', 'https://api.kraken.com'],
      ['https://user:secret@api.kraken.com/x', 'https://api.kraken.com'],
      ['https://api.kraken.com\\x', 'https://api.kraken.com'],
      ['https://[::1]:8080/x', 'https://[::1]:8080'],
      ['https://[::1]:8080/y', 'https://[::1]:8080'],
    ];
    for (const [href, key] of sequence)
      expect([href, keyOf(href, 'http://base.example')]).toEqual([href, key]);
  });

  it('leaves a URL that does not parse to fetch, right after one of the same origin', () => {
    expect(keyOf('https://api.kraken.com/x')).toBe('https://api.kraken.com');
    expect(fetchRequestInfo('https://api.kraken.com:99999/x')).toBeUndefined();
    expect(fetchRequestInfo('https://api.kraken.com x/')).toBeUndefined();
    expect(fetchRequestInfo('/relative/path')).toBeUndefined();
    expect(keyOf('https://api.kraken.com/y')).toBe('https://api.kraken.com');
  });

  it('reads a URL object and a Request as fetch does', () => {
    const url = new URL('https://api.binance.com/api/v3/time');
    const request = fetchRequestInfo(url, { method: 'POST' })!;
    expect(request.url).toBe(url);
    expect(request.method).toBe('POST');
    expect(deriveKey(request)).toBe('https://api.binance.com');
    const fromRequest = fetchRequestInfo(new Request('https://api.binance.com/api/v3/ping'))!;
    expect(fromRequest.url.pathname).toBe('/api/v3/ping');
    expect(deriveKey(fromRequest)).toBe('https://api.binance.com');
  });
});
