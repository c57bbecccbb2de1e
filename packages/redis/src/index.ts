/**
 * @breakwater/redis: one breaker and one rate budget for a fleet of processes. A
 * {@link RedisStore} shares every breaker transition through Redis (ioredis, a peer dependency)
 * while the closed hot path stays local; a {@link RedisRateLimiter} spends one budget for all of
 * them. Node only.
 */
export type {
  ConflictEvent,
  ConnectionEvent,
  InvalidDataEvent,
  ReconciledEvent,
  RedisStoreEvents,
  StoreFailureEvent,
  VoteEvent,
} from './events.ts';
export type { BreakerKeys } from './keys.ts';
export type {
  FallbackEvent,
  LimiterErrorEvent,
  LimiterInvalidDataEvent,
  RedisRateLimiterEvents,
} from './limiter/events.ts';
export {
  RedisRateLimiter,
  type RedisRateLimiterExecuteOptions,
} from './limiter/RedisRateLimiter.ts';
export type { RedisRateLimiterOptions } from './limiter/resolveRedisRateLimiterOptions.ts';
export { RedisStore } from './RedisStore.ts';
export type { QuorumOptions, RedisStoreOptions } from './resolveRedisStoreOptions.ts';
