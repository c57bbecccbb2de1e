// Compiled by `tsc` in the pack smoke's scratch project (see scripts/packSmoke.mjs): every entry
// point imported as a TypeScript user imports it (NodeNext, no custom conditions). An entry whose
// `types` do not resolve is an error here. With `skipLibCheck` (checking every client's `.d.ts`
// takes 25 s), an import inside a shipped `.d.ts` that does not resolve would silently turn what
// it exports into an `any`-like type, so each export used below is also checked to be resolved.

import { breakerInterceptor, type HookBreakerOptions, useBreaker } from '@breakwater/axios';
import { BreakerRegistry, type CircuitBreaker, type HttpBreakerOptions } from '@breakwater/core';
import { FileStore } from '@breakwater/core/node';
import { type DashboardOptions, dashboardHandler, HealthMonitor } from '@breakwater/dashboard';
import { krakenPreset } from '@breakwater/exchanges';
import { type ExchangeSim, startExchangeSim } from '@breakwater/exchanges/testing';
import { type BreakerFetch, withBreaker } from '@breakwater/fetch';
import { circuitBreaker } from '@breakwater/fetch/node';
import { type BreakwaterContext, breakerHooks as gotHooks } from '@breakwater/got';
import { type BreakerKyOptions, breakerHooks as kyHooks } from '@breakwater/ky';
import { statusStorm } from '@breakwater/msw';
import OpossumBreaker from '@breakwater/opossum';
import { type BreakerInstrumentation, instrumentBreakers } from '@breakwater/otel';
import { type BreakerMetricsOptions, registerBreakerMetrics } from '@breakwater/prometheus';
import { guardWebSocket, type ResilientWebSocket } from '@breakwater/ws';
import { createFaultyWsServer } from '@breakwater/ws/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { Registry } from 'prom-client';
import { Agent } from 'undici';
import WebSocket from 'ws';

/**
 * `false` for `any` and for the error type an unresolved import leaves behind (which is not
 * `any` to an `0 extends 1 & T` test): only those are assignable to both `string` and `number`.
 */
type Resolved<T> = [T] extends [string] ? ([T] extends [number] ? false : true) : true;
function resolved<T>(_value: T, ok: Resolved<T>): boolean {
  return ok;
}
type Every<T extends readonly unknown[]> = { [K in keyof T]: Resolved<T[K]> };

const registry = new BreakerRegistry();
const options: HookBreakerOptions = {
  registry,
  strategy: { failureCount: 5 },
  openMs: 30_000,
  timeoutMs: 1_000,
};
const fetchOptions: HttpBreakerOptions = { ...options, retry: { maxAttempts: 2 } };
const breaker: CircuitBreaker = registry.get('https://api.kraken.com');
const fetch: BreakerFetch<typeof globalThis.fetch> = withBreaker(fetchOptions);
const response: Promise<Response> = fetch('https://api.kraken.com/0/public/Time', {
  breakwater: { bypass: true },
});
useBreaker(axios.create(), options).eject();
const interceptorId: number = axios
  .create()
  .interceptors.request.use(...breakerInterceptor(options));
const gotClient = got.extend(gotHooks(options));
const gotContext: BreakwaterContext = { breakwater: { key: 'kraken' } };
const kyClient = ky.extend(kyHooks(options));
const kyOptions: BreakerKyOptions = { context: { breakwater: { bypass: true } } };
const agent = new Agent().compose(circuitBreaker(options));
const socket: ResilientWebSocket = guardWebSocket(() => new WebSocket('ws://127.0.0.1:1'));
const dropIn = new OpossumBreaker(async (pair: string) => pair.length, { timeout: 1_000 });
const dropInResult: Promise<number> = dropIn.fire('XBTUSD');
const dropInOptions: OpossumBreaker.Options = { resetTimeout: 30_000 };
const metricsOptions: BreakerMetricsOptions = { registry, register: new Registry() };
const metrics = registerBreakerMetrics(metricsOptions);
const instrumentation: BreakerInstrumentation = instrumentBreakers({ registry });
const dashboardOptions: DashboardOptions = { registry, monitor: new HealthMonitor() };
const dashboard = dashboardHandler(dashboardOptions);

export const checked = [
  resolved(BreakerRegistry, true),
  resolved(breaker, true),
  resolved(FileStore, true),
  resolved(useBreaker, true),
  resolved(krakenPreset, true),
  resolved(withBreaker, true),
  resolved(fetch, true),
  resolved(breakerInterceptor, true),
  resolved(circuitBreaker, true),
  resolved(gotHooks, true),
  resolved(kyHooks, true),
  resolved(statusStorm, true),
  resolved(guardWebSocket, true),
  resolved(socket, true),
  resolved(createFaultyWsServer, true),
  resolved(startExchangeSim, true),
  resolved(OpossumBreaker, true),
  resolved(dropIn, true),
  resolved(registerBreakerMetrics, true),
  resolved(metrics, true),
  resolved(instrumentBreakers, true),
  resolved(instrumentation, true),
  resolved(HealthMonitor, true),
  resolved(dashboard, true),
];
export const checkedTypes: Every<
  [
    ExchangeSim,
    HookBreakerOptions,
    HttpBreakerOptions,
    BreakwaterContext,
    BreakerKyOptions,
    OpossumBreaker.Options,
    BreakerMetricsOptions,
    DashboardOptions,
  ]
> = [true, true, true, true, true, true, true, true];
export {
  agent,
  dropInOptions,
  dropInResult,
  gotClient,
  gotContext,
  interceptorId,
  kyClient,
  kyOptions,
  response,
};
