/**
 * @breakwater/exchanges: classification rules, breaker presets, rate-limit feedback and system
 * status checks for Kraken, Binance, Coinbase, Bybit and OKX, a ccxt guard, and a failure
 * analyzer. Presets are plain HTTP breaker options that work with every Breakwater HTTP adapter.
 *
 * Extension points: the HTTP adapters' options (`HttpBreakerOptions`: `key`, `context`,
 * `classify`, `bodyRules`, `idempotent`, `onResponse`), for ccxt an Exchange's
 * `fetchImplementation`, and for streams `@breakwater/ws`'s guard options (`heartbeat`,
 * `classifyMessage`, `resubscribe`, `closeCodes`, `rotation`, `maxConnectsPerWindow`).
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
  binanceOrderCountFeedback,
  binanceOrderCountReport,
  binanceRateLimitFeedback,
  binanceRateLimitReport,
} from './binance/rateLimitHeaders.ts';
export { binanceCodeVerdict, binanceRetryAfterMs, binanceRules } from './binance/rules.ts';
export {
  type BinanceWsPresetOptions,
  binanceWsPreset,
  binanceWsUrls,
  classifyBinanceFrame,
} from './binance/wsPreset.ts';
export { bybitEndpoint } from './bybit/endpoints.ts';
export { type BybitPresetOptions, bybitPreset } from './bybit/preset.ts';
// --- Bybit ---
export { bybitRateLimitFeedback, bybitRateLimitReport } from './bybit/rateLimitHeaders.ts';
export { bybitIpBanMs, bybitResetInMs, bybitRetCodeVerdict, bybitRules } from './bybit/rules.ts';
export {
  type BybitWsAuth,
  type BybitWsPresetOptions,
  bybitWsPreset,
  bybitWsUrls,
  classifyBybitFrame,
} from './bybit/wsPreset.ts';
// --- ccxt ---
export type { CcxtErrorClass, CcxtErrorClasses } from './ccxt/ccxtErrors.ts';
export {
  type CcxtExchangeLike,
  type ProtectCcxtOptions,
  protectCcxt,
} from './ccxt/protectCcxt.ts';
// --- Coinbase ---
export { coinbaseEndpoint } from './coinbase/endpoints.ts';
export { coinbasePreset } from './coinbase/preset.ts';
export { coinbaseErrorVerdict, coinbaseRules } from './coinbase/rules.ts';
export {
  type CoinbaseWsPresetOptions,
  type CoinbaseWsSubscription,
  classifyCoinbaseFrame,
  coinbaseWsPreset,
  coinbaseWsUrls,
} from './coinbase/wsPreset.ts';
// --- Kraken ---
export { krakenEndpoint } from './kraken/endpoints.ts';
export { type KrakenError, parseKrakenError } from './kraken/errors.ts';
export { type KrakenPresetOptions, krakenPreset } from './kraken/preset.ts';
export {
  type KrakenRateLimits,
  type KrakenTier,
  krakenCallCost,
  krakenRateLimitFeedback,
  krakenRateLimits,
} from './kraken/rateLimits.ts';
export {
  krakenErrorArrayRule,
  krakenErrorVerdict,
  krakenLockoutMs,
  krakenRules,
} from './kraken/rules.ts';
export {
  classifyKrakenFrame,
  type KrakenWsPresetOptions,
  type KrakenWsSubscription,
  krakenWsPreset,
  krakenWsUrls,
} from './kraken/wsPreset.ts';
// --- OKX ---
export { okxEndpoint } from './okx/endpoints.ts';
export { type OkxPresetOptions, okxPreset } from './okx/preset.ts';
export { type OkxRateLimit, okxRateLimit, okxRateLimitFeedback } from './okx/rateLimits.ts';
export { okxCodeVerdict, okxRules } from './okx/rules.ts';
export {
  classifyOkxFrame,
  type OkxWsArg,
  type OkxWsLogin,
  type OkxWsPresetOptions,
  okxWsPreset,
  okxWsUrls,
} from './okx/wsPreset.ts';
// --- presets ---
export type {
  ClassifyOptions,
  ExchangeClassifier,
  ExchangePreset,
  ExchangePresetOptions,
  ExchangeRequest,
  ExchangeVerdict,
  FailedItem,
  SavedResponse,
} from './preset/types.ts';
// --- system status ---
export {
  binanceSystemStatus,
  bybitSystemStatus,
  krakenSystemStatus,
  okxSystemStatus,
} from './status/systemStatus.ts';
export type {
  FetchLike,
  StatusResponseLike,
  SystemHealth,
  SystemStatus,
  SystemStatusOptions,
} from './status/types.ts';
export type { EndpointGroup, ExchangeEndpoint, ExchangeId } from './types.ts';
// --- WebSocket presets (for @breakwater/ws) ---
export { wsConnectLimits } from './ws/types.ts';
