import { breakwaterIdle } from '../impls/breakwater.ts';
import { dropInIdle } from '../impls/breakwaterOpossum.ts';
import { cockatielIdle } from '../impls/cockatiel.ts';
import { opossumIdle } from '../impls/opossum.ts';
import type { IdleImpl } from '../memory.ts';
import { fleetLimiter } from '../redis/fleetLimiter.ts';
import { redisPropagation } from '../redis/propagation.ts';
import { adaptiveConcurrency, adaptiveThreshold, adaptiveThrottle } from './adaptive.ts';
import { axiosCase } from './axios.ts';
import { closedSuccess } from './closedSuccess.ts';
import { closedWithTimeout } from './closedWithTimeout.ts';
import { fetchCase } from './fetch.ts';
import { gotCase } from './got.ts';
import { guardAxios } from './guardAxios.ts';
import { guardFetch } from './guardFetch.ts';
import { guardGot } from './guardGot.ts';
import { guardKraken } from './guardKraken.ts';
import { guardKy } from './guardKy.ts';
import { guardUndici } from './guardUndici.ts';
import { kyCase } from './ky.ts';
import { openReject } from './openReject.ts';
import { opossumFire } from './opossumFire.ts';
import { pipelineCase } from './pipeline.ts';
import { prometheusHotPath } from './prometheusHotPath.ts';
import { redisHotPath } from './redisHotPath.ts';
import { registry100k } from './registry100k.ts';
import type { BenchCase, SelfTimedCase } from './types.ts';
import { undiciCase } from './undici.ts';

export type { BenchCase, SelfTimedCase } from './types.ts';

/**
 * Every timed case, in table order. To add one (`pipeline`, or the adapter cases `fetch`,
 * `axios`, `got`, `ky`), write `cases/<name>.ts` exporting a `BenchCase` whose impls come from
 * `impls/`, and append it here; the harness, table, JSON and `--case` pick it up.
 */
export const cases: readonly BenchCase[] = [
  closedSuccess,
  closedWithTimeout,
  openReject,
  pipelineCase,
  fetchCase,
  undiciCase,
  axiosCase,
  gotCase,
  kyCase,
  guardFetch,
  guardUndici,
  guardKraken,
  guardAxios,
  guardGot,
  guardKy,
  opossumFire,
  redisHotPath,
  prometheusHotPath,
  adaptiveThrottle,
  adaptiveThreshold,
  adaptiveConcurrency,
];

/** Cases that time themselves, after the interleaved ones (the Redis ones need a Redis). */
export const selfTimedCases: readonly SelfTimedCase[] = [
  registry100k,
  redisPropagation,
  fleetLimiter,
];

/** The `--case` name of the idle-memory measurement, which fills `memory` in the JSON. */
export const memoryCaseName = 'memory';

/** Implementations whose idle breakers are weighed. */
export const idleImpls: readonly IdleImpl[] = [
  breakwaterIdle,
  cockatielIdle,
  opossumIdle,
  dropInIdle,
];
