import { redactError, redactHeaders, redactUrl } from '@breakwater/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Shaped like the real thing: 64-char Binance keys, base64 Kraken secrets, UUID OKX keys, hex
// HMAC signatures, a Coinbase JWT, user-chosen passphrases.
const secrets = {
  binanceKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  binanceSignature: 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
  krakenKey: 'Gn5Pp0XkF4bA2vKq7Yc9HnTzW1uD3eRs6Lm8Jo0QiXyVbNaCtUg4KfEw',
  krakenSign: '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fNSDNmoNT7uwn/vM8mTdv/ZbVQ7n5+pGvMRBbSKuM3Q==',
  coinbaseKey: 'organizations/7e1b/apiKeys/91c2a4f0e8d6b3a5c7e9f1a2b4c6d8e0',
  coinbaseJwt:
    'eyJhbGciOiJFUzI1NiIsImtpZCI6Im9yZ2FuaXphdGlvbnMifQ.eyJzdWIiOiJvcmdhbml6YXRpb25zIn0.MEUCIQDx8n1y0v9T2kq',
  coinbasePassphrase: 'correct-horse-battery',
  bybitKey: 'XQXlLmkKb9qRwE4Jz2',
  bybitSign: '9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9',
  okxKey: '37c541a1-1b3f-4c53-8e21-0d2f0b1d2c3e',
  okxSign: 'Qm9vbXNoYWthbGFrYXNoYWthbGFrYXNoYWthbGFrYQ==',
  okxPassphrase: 'Tr4d1ngB0t!',
  kucoinKey: '5c2db93ea0b1b4e6f3a1d2c3',
  kucoinSign: 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4',
  password: 'hunter2-very-private',
  telegram: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  listenKey: 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1',
};

const exchangeHeaders = {
  // Kraken
  'API-Key': secrets.krakenKey,
  'API-Sign': secrets.krakenSign,
  // Binance
  'X-MBX-APIKEY': secrets.binanceKey,
  // Coinbase (Advanced Trade JWT and the legacy HMAC headers)
  Authorization: `Bearer ${secrets.coinbaseJwt}`,
  'CB-ACCESS-KEY': secrets.coinbaseKey,
  'CB-ACCESS-SIGN': secrets.binanceSignature,
  'CB-ACCESS-PASSPHRASE': secrets.coinbasePassphrase,
  'CB-ACCESS-TIMESTAMP': '1767225600',
  // Bybit
  'X-BAPI-API-KEY': secrets.bybitKey,
  'X-BAPI-SIGN': secrets.bybitSign,
  'X-BAPI-TIMESTAMP': '1767225600000',
  'X-BAPI-RECV-WINDOW': '5000',
  // OKX
  'OK-ACCESS-KEY': secrets.okxKey,
  'OK-ACCESS-SIGN': secrets.okxSign,
  'OK-ACCESS-PASSPHRASE': secrets.okxPassphrase,
  'OK-ACCESS-TIMESTAMP': '2026-01-01T00:00:00.000Z',
  // KuCoin
  'KC-API-KEY': secrets.kucoinKey,
  'KC-API-SIGN': secrets.kucoinSign,
  'KC-API-PASSPHRASE': secrets.okxPassphrase,
  Cookie: `session=${secrets.password}`,
  'Content-Type': 'application/json',
};

const urls = [
  `https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&timestamp=1&signature=${secrets.binanceSignature}`,
  `https://api.binance.com/api/v3/userDataStream?listenKey=${secrets.listenKey}`,
  `wss://stream.binance.com:9443/ws/${secrets.listenKey}`,
  `https://trader:${secrets.password}@api.kraken.com/0/private/AddOrder#${secrets.krakenKey}`,
  `https://api.bybit.com/v5/order/create?api_key=${secrets.bybitKey}&sign=${secrets.bybitSign}`,
  `https://www.okx.com/api/v5/account/balance?apiKey=${secrets.okxKey}`,
  `https://api.coinbase.com/api/v3/brokerage/accounts?jwt=${secrets.coinbaseJwt}`,
  `https://api.telegram.org/bot${secrets.telegram}/sendMessage?chat_id=1`,
  `/api/v1/orders?passphrase=${encodeURIComponent(secrets.okxPassphrase)}`,
];

function expectNoSecret(output: string): void {
  for (const [name, secret] of Object.entries(secrets)) {
    expect(output, `${name} leaked`).not.toContain(secret);
  }
}

describe('redaction leaks no secret', () => {
  it('in URLs with userinfo, signed queries, fragments and token paths', () => {
    for (const url of urls) expectNoSecret(redactUrl(url));
  });

  it('in the signing headers of Kraken, Binance, Coinbase, Bybit, OKX and KuCoin', () => {
    const forms = [
      exchangeHeaders,
      new Headers(exchangeHeaders),
      Object.entries(exchangeHeaders),
      Object.fromEntries(Object.entries(exchangeHeaders).map(([k, v]) => [k.toLowerCase(), [v]])),
    ];
    for (const headers of forms) {
      const redacted = redactHeaders(headers);
      expectNoSecret(JSON.stringify(redacted));
      expect(redacted['content-type']).toBe('application/json');
      expect(redacted['x-bapi-recv-window']).toBe('5000');
    }
  });

  it('in error messages that quote requests', () => {
    for (const url of urls) {
      expectNoSecret(redactError(new Error(`Request to ${url} failed with 500`)).message);
    }
    const quoted = Object.entries(exchangeHeaders)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    expectNoSecret(redactError(new Error(`Request headers:\n${quoted}`)).message);
  });

  it('for any userinfo, query and fragment', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/);
    fc.assert(
      fc.property(secret, secret, secret, secret, (user, password, value, fragment) => {
        const url = `https://${user}:${password}@api.example.com/v1/orders?key=${value}#${fragment}`;
        const output = redactUrl(url);
        expect(output).toBe('https://api.example.com/v1/orders?[redacted]');
      }),
    );
  });

  it('for any alphanumeric token of 32 or more characters in a path segment', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{32,64}$/);
    fc.assert(
      fc.property(token, (value) => {
        expect(redactUrl(`https://hooks.example.com/bot${value}/send`)).not.toContain(value);
      }),
    );
  });
});
