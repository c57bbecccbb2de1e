/**
 * @breakwater/exchanges: classification rules, breaker presets, rate-limit feedback and system
 * status checks for Kraken, Binance, Coinbase, Bybit and OKX, a ccxt guard, and a failure
 * analyzer. Presets are plain HTTP breaker options that work with every Breakwater HTTP adapter.
 *
 * Extension points: the HTTP adapters' options (`HttpBreakerOptions`: `key`, `classify`,
 * `bodyRules`, `idempotent`, `onResponse`) and, for ccxt, an Exchange's `fetchImplementation`.
 */

// --- failure analyzer ---
export { builtInPatterns } from './analyzer/builtInPatterns.ts';
export { FailureAnalyzer } from './analyzer/FailureAnalyzer.ts';
export {
  type FailureAnalyzerOptions,
  type ResolvedFailureAnalyzerOptions,
  resolveFailureAnalyzerOptions,
} from './analyzer/resolveFailureAnalyzerOptions.ts';
export type {
  FailureAnalysis,
  FailureInput,
  FailurePattern,
  FailureRecord,
  FailureSeverity,
  FailureStatistics,
  FailureTrend,
  PatternCount,
} from './analyzer/types.ts';
export { binanceEndpoint } from './binance/endpoints.ts';
export { type BinancePresetOptions, binancePreset } from './binance/preset.ts';
// --- Binance ---
export {
  type BinanceRateLimitFeedbackOptions,
  binanceRateLimitFeedback,
  binanceRateLimitReport,
} from './binance/rateLimitHeaders.ts';
export { binanceCodeVerdict, binanceRetryAfterMs, binanceRules } from './binance/rules.ts';
export { binanceSystemStatus } from './binance/systemStatus.ts';
export { bybitEndpoint } from './bybit/endpoints.ts';
export { type BybitPresetOptions, bybitPreset } from './bybit/preset.ts';
// --- Bybit ---
export { bybitRateLimitFeedback, bybitRateLimitReport } from './bybit/rateLimitHeaders.ts';
export { bybitIpBanMs, bybitResetInMs, bybitRetCodeVerdict, bybitRules } from './bybit/rules.ts';
export { bybitSystemStatus } from './bybit/systemStatus.ts';
// --- ccxt ---
export {
  type CcxtExchangeLike,
  type ProtectCcxtOptions,
  protectCcxt,
} from './ccxt/protectCcxt.ts';
// --- Coinbase ---
export { coinbaseEndpoint } from './coinbase/endpoints.ts';
export { coinbasePreset } from './coinbase/preset.ts';
export { coinbaseErrorVerdict, coinbaseRules } from './coinbase/rules.ts';
export { krakenEndpoint } from './kraken/endpoints.ts';
export { krakenPreset } from './kraken/preset.ts';
// --- Kraken ---
export {
  krakenErrorArrayRule,
  krakenErrorVerdict,
  krakenLockoutMs,
  krakenRules,
} from './kraken/rules.ts';
export { krakenSystemStatus } from './kraken/systemStatus.ts';
// --- OKX ---
export { okxEndpoint } from './okx/endpoints.ts';
export { okxPreset } from './okx/preset.ts';
export { okxCodeVerdict, okxRules } from './okx/rules.ts';
export { okxSystemStatus } from './okx/systemStatus.ts';
// --- shared types ---
export type { ExchangePresetOptions } from './shared/createPreset.ts';
export type {
  FetchLike,
  StatusResponseLike,
  SystemHealth,
  SystemStatus,
  SystemStatusOptions,
} from './status/types.ts';
export type { EndpointGroup, ExchangeEndpoint, ExchangeId } from './types.ts';
