import { memoryStoreClosed, redisStoreClosed } from '../impls/redisStore.ts';
import type { BenchCase } from './types.ts';

export const redisHotPath: BenchCase = {
  name: 'redis-hot-path',
  summary: 'closed breaker with a store, action () => Promise.resolve(1): memory vs Redis store',
  reference: 'memory-store',
  batch: 20_000,
  impls: [memoryStoreClosed, redisStoreClosed],
};
