/**
 * @breakwater/exchanges: classification rules, breaker presets, rate-limit feedback and system
 * status checks for Kraken, Binance, Coinbase, Bybit and OKX, a ccxt guard, and a failure
 * analyzer. Presets are plain HTTP breaker options that work with every Breakwater HTTP adapter.
 */

export { binanceCodeVerdict, binanceRetryAfterMs, binanceRules } from './binance/rules.ts';
export { bybitIpBanMs, bybitResetInMs, bybitRetCodeVerdict, bybitRules } from './bybit/rules.ts';
export { coinbaseErrorVerdict, coinbaseRules } from './coinbase/rules.ts';
export {
  krakenErrorArrayRule,
  krakenErrorVerdict,
  krakenLockoutMs,
  krakenRules,
} from './kraken/rules.ts';
export { okxCodeVerdict, okxRules } from './okx/rules.ts';
export type { EndpointGroup, ExchangeEndpoint, ExchangeId } from './types.ts';
