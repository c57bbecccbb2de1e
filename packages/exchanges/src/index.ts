/**
 * @breakwater/exchanges: classification rules, breaker presets, rate-limit feedback and system
 * status checks for Kraken, Binance, Coinbase, Bybit and OKX, a ccxt guard, and a failure
 * analyzer. Presets are plain HTTP breaker options that work with every Breakwater HTTP adapter.
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
// --- Binance ---
export {
  type BinanceRateLimitFeedbackOptions,
  binanceRateLimitFeedback,
  binanceRateLimitReport,
} from './binance/rateLimitHeaders.ts';
export { binanceCodeVerdict, binanceRetryAfterMs, binanceRules } from './binance/rules.ts';
export { binanceSystemStatus } from './binance/systemStatus.ts';
// --- Bybit ---
export { bybitRateLimitFeedback, bybitRateLimitReport } from './bybit/rateLimitHeaders.ts';
export { bybitIpBanMs, bybitResetInMs, bybitRetCodeVerdict, bybitRules } from './bybit/rules.ts';
export { bybitSystemStatus } from './bybit/systemStatus.ts';
// --- Coinbase ---
export { coinbaseErrorVerdict, coinbaseRules } from './coinbase/rules.ts';
// --- Kraken ---
export {
  krakenErrorArrayRule,
  krakenErrorVerdict,
  krakenLockoutMs,
  krakenRules,
} from './kraken/rules.ts';
export { krakenSystemStatus } from './kraken/systemStatus.ts';
// --- OKX ---
export { okxCodeVerdict, okxRules } from './okx/rules.ts';
export { okxSystemStatus } from './okx/systemStatus.ts';
// --- shared types ---
export type {
  FetchLike,
  StatusResponseLike,
  SystemHealth,
  SystemStatus,
  SystemStatusOptions,
} from './status/types.ts';
export type { EndpointGroup, ExchangeEndpoint, ExchangeId } from './types.ts';
