import { redactUrl } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

describe('redactUrl', () => {
  it('keeps the scheme, host, port and path', () => {
    expect(redactUrl('https://api.kraken.com:8443/0/public/Time')).toBe(
      'https://api.kraken.com:8443/0/public/Time',
    );
    expect(redactUrl(new URL('wss://ws.okx.com/ws/v5/private'))).toBe(
      'wss://ws.okx.com/ws/v5/private',
    );
  });

  it('drops the userinfo', () => {
    expect(redactUrl('https://bot:hunter2@api.example.com/v1')).toBe('https://api.example.com/v1');
    expect(redactUrl('redis://default:s3cret@127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });

  it('replaces the whole query string with a marker and drops the fragment', () => {
    expect(
      redactUrl('https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=abc123#frag'),
    ).toBe('https://api.binance.com/api/v3/order?[redacted]');
    expect(redactUrl('https://example.com/page#access_token=abc')).toBe('https://example.com/page');
  });

  it('redacts path segments that hold tokens', () => {
    expect(
      redactUrl('https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe'),
    ).toBe('https://api.telegram.org/[redacted]/getMe');
    const hex = 'a3f5c2e1d4b6978812345678abcdef0123456789abcdef0123456789abcdef01';
    expect(redactUrl(`https://hooks.example.com/v1/${hex}/notify`)).toBe(
      'https://hooks.example.com/v1/[redacted]/notify',
    );
    expect(redactUrl('https://api.example.com/keys/6f1c8a0e-3b7d-4e2a-9c5f-1d2e3f4a5b6c')).toBe(
      'https://api.example.com/keys/[redacted]',
    );
    expect(redactUrl('https://shop.example.com/cart;jsessionid=ABC123')).toBe(
      'https://shop.example.com/cart;[redacted]',
    );
  });

  it('keeps long paths made of words', () => {
    const url = 'https://example.com/docs/introduction-to-circuit-breakers-and-retries/2026';
    expect(redactUrl(url)).toBe(url);
  });

  it('keeps root-relative paths relative', () => {
    expect(redactUrl('/api/v3/order?signature=abc')).toBe('/api/v3/order?[redacted]');
  });

  it('keeps only the scheme of opaque URLs', () => {
    expect(redactUrl('mailto:ops@example.com')).toBe('mailto:[redacted]');
  });

  it('never throws, whatever it is given', () => {
    expect(redactUrl('not a url')).toBe('[invalid url]');
    expect(redactUrl('')).toBe('[invalid url]');
    expect(redactUrl(null as never)).toBe('[invalid url]');
    expect(redactUrl({ href: 'https://user:pw@x.test/?q=1' } as never)).toBe(
      'https://x.test/?[redacted]',
    );
    const hostile = {
      get href(): string {
        throw new Error('boom');
      },
    };
    expect(redactUrl(hostile as never)).toBe('[invalid url]');
  });
});
