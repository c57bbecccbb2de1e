import {
  binancePreset,
  bybitPreset,
  coinbasePreset,
  type ExchangeVerdict,
  krakenPreset,
  okxPreset,
} from '@breakwater/exchanges';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';

/**
 * The cross-check of issue 18: every code ccxt's exchange classes map (their `exceptions`
 * tables, read from the installed ccxt, offline) classified by our preset, compared with the
 * family of ccxt's exception class.
 */

type Family =
  | 'rate_limit'
  | 'maintenance'
  | 'unavailable'
  | 'timeout'
  | 'clock'
  | 'failure'
  | 'auth'
  | 'client'
  | 'ignore';

const families: Readonly<Record<string, Family>> = {
  RateLimitExceeded: 'rate_limit',
  DDoSProtection: 'rate_limit',
  OnMaintenance: 'maintenance',
  ExchangeNotAvailable: 'unavailable',
  RequestTimeout: 'timeout',
  InvalidNonce: 'clock',
  NetworkError: 'failure',
  OperationFailed: 'failure',
  BadResponse: 'failure',
  NullResponse: 'failure',
  AuthenticationError: 'auth',
  PermissionDenied: 'auth',
  AccountSuspended: 'auth',
  AccountNotEnabled: 'auth',
  ExchangeError: 'ignore',
};

function familyOf(name: string): Family {
  return families[name] ?? 'client';
}

function matches(family: Family, v: ExchangeVerdict): boolean {
  switch (family) {
    case 'rate_limit':
    case 'maintenance':
    case 'timeout':
      return v.verdict === 'failure' && v.category === family;
    case 'unavailable':
      return v.verdict === 'failure' && (v.category === 'server' || v.category === 'maintenance');
    case 'failure':
      return v.verdict === 'failure';
    case 'clock':
    case 'client':
      return v.verdict === 'ignore' && v.category === 'client';
    case 'auth':
      return v.verdict === 'ignore' && v.category === 'auth';
    case 'ignore':
      return v.verdict === 'ignore';
  }
}

interface Probe {
  readonly exchange: string;
  readonly section: string;
  readonly key: string;
  readonly ccxtClass: string;
  readonly verdict: ExchangeVerdict;
}

const now = { now: 1_767_225_600_000 };
const json = { 'content-type': 'application/json' };
const numeric = (key: string) => /^-?\d+$/.test(key);

/** Each section of ccxt's `exceptions` map: `[section, { key: ccxt class }]`. */
function sections(
  exceptions: Record<string, unknown>,
): [string, Record<string, { name: string }>][] {
  const out: [string, Record<string, { name: string }>][] = [];
  for (const [name, value] of Object.entries(exceptions)) {
    if (name === 'exact' || name === 'broad')
      out.push([name, value as Record<string, { name: string }>]);
    else if (typeof value === 'object' && value !== null) {
      const inner = value as Record<string, Record<string, { name: string }>>;
      for (const kind of ['exact', 'broad'])
        if (inner[kind]) out.push([`${name}.${kind}`, inner[kind]]);
    }
  }
  return out;
}

/** A signed read of each Binance market, where ccxt's map of that market applies. */
const binancePaths: Readonly<Record<string, string>> = {
  spot: '/api/v3/account',
  linear: '/fapi/v2/account',
  inverse: '/dapi/v1/account',
  option: '/eapi/v1/account',
  portfolioMargin: '/papi/v1/account',
};

function probes(): Probe[] {
  const all: Probe[] = [];
  const add = (
    exchange: string,
    section: string,
    key: string,
    ccxtClass: string,
    verdict: ExchangeVerdict,
  ) => all.push({ exchange, section, key, ccxtClass, verdict });

  const kraken = krakenPreset();
  for (const [section, map] of sections(new ccxt.kraken().exceptions)) {
    for (const [key, cls] of Object.entries(map)) {
      const error = key.startsWith(':') ? `EAPI${key}` : key;
      const body = JSON.stringify({ error: [error] });
      const url = 'https://api.kraken.com/0/private/Balance';
      add(
        'kraken',
        section,
        key,
        cls.name,
        kraken.classify({ url, method: 'POST' }, { status: 200, headers: json, body }, now),
      );
    }
  }

  // ccxt looks a Binance code up in the map of the URL's market first, then in the common one.
  const binance = binancePreset();
  const exceptions = new ccxt.binance().exceptions as Record<
    string,
    Record<string, Record<string, { name: string }>>
  > &
    Record<'exact' | 'broad', Record<string, { name: string }>>;
  for (const [market, path] of Object.entries(binancePaths)) {
    const effective = { ...exceptions.exact, ...(exceptions[market]?.exact ?? {}) };
    for (const [key, cls] of Object.entries(effective)) {
      const body = JSON.stringify(numeric(key) ? { code: Number(key), msg: '' } : { msg: key });
      const url = `https://api.binance.com${path}?signature=x`;
      add(
        'binance',
        market,
        key,
        cls.name,
        binance.classify({ url }, { status: 400, headers: json, body }, now),
      );
    }
  }
  for (const [key, cls] of Object.entries(exceptions.broad)) {
    const body = JSON.stringify({ msg: `Filter failure: ${key}` });
    const url = 'https://api.binance.com/api/v3/order';
    add(
      'binance',
      'broad',
      key,
      cls.name,
      binance.classify({ url, method: 'POST' }, { status: 400, headers: json, body }, now),
    );
  }

  const bybit = bybitPreset();
  for (const [section, map] of sections(new ccxt.bybit().exceptions)) {
    for (const [key, cls] of Object.entries(map)) {
      const body = JSON.stringify(
        numeric(key) ? { retCode: Number(key), retMsg: '' } : { retCode: 1_999_999, retMsg: key },
      );
      const url = 'https://api.bybit.com/v5/account/wallet-balance';
      add(
        'bybit',
        section,
        key,
        cls.name,
        bybit.classify({ url }, { status: 200, headers: json, body }, now),
      );
    }
  }

  const okx = okxPreset();
  for (const [section, map] of sections(new ccxt.okx().exceptions)) {
    for (const [key, cls] of Object.entries(map)) {
      const body = JSON.stringify(
        numeric(key) ? { code: key, msg: '', data: [] } : { code: '1999999', msg: key, data: [] },
      );
      const url = 'https://www.okx.com/api/v5/account/balance';
      add(
        'okx',
        section,
        key,
        cls.name,
        okx.classify({ url }, { status: 200, headers: json, body }, now),
      );
    }
  }

  const coinbase = coinbasePreset();
  for (const [section, map] of sections(new ccxt.coinbase().exceptions)) {
    for (const [key, cls] of Object.entries(map)) {
      const body = JSON.stringify(
        section === 'broad' ? { error: 'UNKNOWN', message: key } : { error: key, message: '' },
      );
      const url = 'https://api.coinbase.com/api/v3/brokerage/accounts';
      add(
        'coinbase',
        section,
        key,
        cls.name,
        coinbase.classify({ url }, { status: 400, headers: json, body }, now),
      );
    }
  }
  return all;
}

/**
 * Where a preset disagrees with ccxt's error map on purpose, by reason, as
 * `<exchange> <market or section> <code>`. ccxt answers "which exception does a caller catch";
 * a preset answers "does this count against the breaker, and could an order have happened".
 */
const disagreements: readonly { readonly why: string; readonly codes: readonly string[] }[] = [
  {
    why:
      'The exchange names a server error, a failed operation or a timeout on its side; ccxt maps ' +
      'it to the generic ExchangeError (or an order error), we count it as a failure.',
    codes: [
      'binance option -1006',
      'binance option -1007',
      'binance option -1010',
      'binance option -4078',
      'binance portfolioMargin -1001',
      'binance portfolioMargin -1010',
      'bybit exact 5004',
      'bybit exact 10016',
      'bybit exact 131003',
      'bybit exact 131200',
      'bybit exact 131201',
      'bybit exact 131206',
      'bybit exact 131216',
      'bybit exact 170001',
      'bybit exact 170032',
      'bybit exact 170146',
      'bybit exact 170147',
      'bybit exact 170149',
      'bybit exact 170150',
      'bybit exact 170234',
      'bybit exact 340099',
      'okx exact 58007',
      'okx exact 58112',
      'okx exact 63999',
      'coinbase exact internal_server_error',
    ],
  },
  {
    why:
      'A rate limit (too many requests or new orders) that ccxt maps to a generic or order ' +
      'error: it must open the breaker.',
    codes: [
      'binance option -1003',
      'binance portfolioMargin -1015',
      'bybit exact 170005',
      'okx exact 50061',
    ],
  },
  {
    why:
      'The exchange answered: an empty book or result, a state of the account, position or market ' +
      '(pending, in liquidation, nothing to fill, no loanable assets), a cooldown of one action. ' +
      'ccxt calls these failed operations; they are the request’s, and must not trip a breaker.',
    codes: [
      'binance spot -1112',
      'binance spot -3007',
      'binance spot -4038',
      'binance spot -4041',
      'binance spot -4060',
      'binance spot -5012',
      'binance spot -10005',
      'binance spot -10041',
      'binance spot -21006',
      'binance spot -21007',
      'binance linear -1112',
      'binance linear -2020',
      'binance linear -2023',
      'binance linear -5041',
      'binance inverse -1112',
      'binance inverse -2020',
      'binance inverse -2023',
      'binance portfolioMargin -2016',
      'binance portfolioMargin -2018',
      'binance portfolioMargin -2019',
      'binance portfolioMargin -2023',
      'binance portfolioMargin -5028',
      'bybit exact 30011',
      'bybit exact 30012',
      'bybit exact 30013',
      'bybit exact 176035',
      'bybit exact 176036',
    ],
  },
  {
    why:
      'A cancel-replace answer carries the code of each half; the halves decide (a refused cancel ' +
      'is a client error), so the answer is not a bad response.',
    codes: ['binance spot -2021', 'binance spot -2022'],
  },
  {
    why: 'A confirmation of a withdrawal (ccxt notes a possible bug in Binance’s docs): no failure.',
    codes: ['binance spot -4030'],
  },
  {
    why:
      'A key, signature, listen key or login problem: the portfolio-margin map calls them bad ' +
      'requests or failed operations, every other Binance map an authentication error, as we do.',
    codes: [
      'binance portfolioMargin -1022',
      'binance portfolioMargin -1099',
      'binance portfolioMargin -1109',
      'binance portfolioMargin -1125',
      'binance portfolioMargin -2014',
      'binance portfolioMargin -2015',
    ],
  },
  {
    why: 'A count limit on open stop orders, not a request rate: waiting does not lift it.',
    codes: ['bybit exact 30033'],
  },
  {
    why: 'A pair restricted to some regions: who asks, not what was asked (auth, both ignored).',
    codes: ['bybit exact 170209'],
  },
  {
    why: 'A request timestamp outside the window is the caller’s clock: client, on every exchange.',
    codes: ['okx exact 50112'],
  },
];

describe('the presets against ccxt’s error maps', () => {
  const all = probes();

  it('give a verdict to every code ccxt maps for the five exchanges', () => {
    expect(all.length).toBeGreaterThan(2_000);
    for (const exchange of ['kraken', 'binance', 'coinbase', 'bybit', 'okx']) {
      expect(
        all.some((p) => p.exchange === exchange),
        exchange,
      ).toBe(true);
    }
  });

  it('agree with ccxt on every code but the listed ones, and disagree on those', () => {
    const listed = new Set(disagreements.flatMap((d) => d.codes));
    const wrong = all
      .filter((p) => matches(familyOf(p.ccxtClass), p.verdict) === listed.has(idOf(p)))
      .map(
        (p) => `${idOf(p)}: ccxt ${p.ccxtClass}, preset ${p.verdict.verdict}/${p.verdict.category}`,
      );
    expect(wrong).toEqual([]);
    const probed = new Set(all.map(idOf));
    expect([...listed].filter((id) => !probed.has(id))).toEqual([]);
  });
});

function idOf(probe: Probe): string {
  return `${probe.exchange} ${probe.section} ${probe.key}`;
}
