// What the exchanges README's fragments assume: the imports of its first example, and a registry
// and an API origin of yours.
declare const rateLimiter: typeof import('@breakwater/core').rateLimiter;
declare const withBreaker: typeof import('@breakwater/fetch').withBreaker;
declare const binancePreset: typeof import('@breakwater/exchanges').binancePreset;
declare const krakenSystemStatus: typeof import('@breakwater/exchanges').krakenSystemStatus;
declare const FailureAnalyzer: typeof import('@breakwater/exchanges').FailureAnalyzer;
declare const registry: import('@breakwater/core').BreakerRegistry;
declare const api: string;
