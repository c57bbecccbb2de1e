/**
 * @breakwater/opossum: opossum's `CircuitBreaker` on the Breakwater engine. Change
 * `import CircuitBreaker from 'opossum'` to `import CircuitBreaker from '@breakwater/opossum'`
 * (or the `require`), and keep the rest of your code.
 *
 * The default export is the class, as opossum's (`module.exports = CircuitBreaker` for
 * `require()`, see `cjs/index.cjs`): the one default export of Breakwater. Types are exported by
 * name, and also on the class's namespace (`CircuitBreaker.Options`), as `@types/opossum` has them.
 */
import { CircuitBreaker } from './CircuitBreaker.ts';

export default CircuitBreaker;
export type { OpossumError, OpossumErrorCode } from './errors.ts';
export type { BreakerEvent } from './events.ts';
export type { ResolvedOptions, ResolvedWindowOptions } from './resolveOptions.ts';
export type { Status } from './status/Status.ts';
export type { BreakwaterOptions } from './toCoreOptions.ts';
export type {
  Bucket,
  CacheTransport,
  CoalesceResetEvent,
  MemoryCache,
  Options,
  RotateBucketController,
  State,
  StateInput,
  Stats,
  StatusInput,
  StatusLike,
  StatusOptions,
  Window,
} from './types.ts';
