import { BreakerRegistry } from '@breakwater/core';
import { krakenPreset } from '@breakwater/exchanges';
import { withBreaker } from '@breakwater/fetch';
import { unexpected } from '../../actions.ts';
import type { Impl } from '../../harness.ts';
import { freshResponseFetch, readyResponseFetch, stubUrl } from '../../stubTransports.ts';
import { stubLoop } from './stubLoop.ts';

/** `guard-fetch`: the wrapper's CPU per request over a fetch that resolves a ready `Response`. */
function fetchLoop(name: string, fetch: typeof globalThis.fetch) {
  return stubLoop(async () => {
    if ((await fetch(stubUrl)).status !== 200) throw unexpected(name, 'got a wrong response');
  });
}

export const bareGuardFetch: Impl = {
  name: 'bare',
  config: `await stubFetch('${stubUrl}'), the stub resolving one prebuilt Response (200, JSON)`,
  create: () => fetchLoop('bare', readyResponseFetch()),
};

export const breakwaterGuardFetch: Impl = {
  name: 'breakwater',
  config:
    'withBreaker(stubFetch, { registry: new BreakerRegistry() }) (defaults: key url.origin, ' +
    'consecutive(5), no retry, no timeout, no body rules), same request',
  create() {
    const registry = new BreakerRegistry();
    const fetch = withBreaker(readyResponseFetch(), { registry });
    return { ...fetchLoop('breakwater', fetch), dispose: () => registry.dispose() };
  },
};

/** A Kraken ticker answer: small JSON with an empty `error` array, as Kraken sends it. */
const krakenBody = JSON.stringify({
  error: [],
  result: {
    XXBTZUSD: {
      a: ['97012.10000', '1', '1.000'],
      b: ['97012.00000', '3', '3.000'],
      c: ['97012.10000', '0.00064000'],
      v: ['1053.95312291', '1731.39453432'],
      p: ['96634.68203', '96511.07044'],
      t: [27016, 45301],
      l: ['95700.00000', '95700.00000'],
      h: ['97500.00000', '97500.00000'],
      o: '96224.40000',
    },
  },
});
const krakenUrl = 'https://api.kraken.com/0/public/Ticker?pair=XBTUSD';

/** `guard-kraken`: the same, with the Kraken preset's body rules; the caller parses the body. */
function krakenLoop(name: string, fetch: typeof globalThis.fetch) {
  return stubLoop(async () => {
    const body = (await (await fetch(krakenUrl)).json()) as { error: unknown[] };
    if (body.error.length !== 0) throw unexpected(name, 'got a wrong response');
  });
}

export const bareGuardKraken: Impl = {
  name: 'bare',
  config: `await (await stubFetch('${krakenUrl}')).json(), a fresh ${krakenBody.length}-byte JSON Response per call`,
  create: () => krakenLoop('bare', freshResponseFetch(krakenBody)),
};

export const breakwaterGuardKraken: Impl = {
  name: 'breakwater',
  config:
    'withBreaker(stubFetch, krakenPreset({ registry: new BreakerRegistry() })) (body rules on ' +
    'JSON), same request and .json()',
  create() {
    const registry = new BreakerRegistry();
    const fetch = withBreaker(freshResponseFetch(krakenBody), krakenPreset({ registry }));
    return { ...krakenLoop('breakwater', fetch), dispose: () => registry.dispose() };
  },
};
