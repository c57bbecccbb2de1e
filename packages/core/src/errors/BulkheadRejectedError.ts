import { BreakwaterError, findBreakwaterError, withoutStack } from './BreakwaterError.ts';

/**
 * Why a bulkhead turned a call away:
 * - `full`: every slot was busy and the queue was full (or `maxQueue` is 0);
 * - `queue_timeout`: the call waited `queueTimeoutMs` in the queue without getting a slot;
 * - `limit`: an adaptive concurrency limit was reached (the dependency showed queueing).
 */
export type BulkheadRejectionReason = 'full' | 'queue_timeout' | 'limit';

/**
 * Thrown when a bulkhead rejects a call without running it. Nothing was sent, so the call may be
 * retried later; an outer breaker treats it as `ignore`: local saturation is not the
 * dependency's failure.
 *
 * Created without a stack trace (see `withoutStack()`): a saturated bulkhead rejects in a
 * hot loop, and the stack would only point into Breakwater.
 */
export class BulkheadRejectedError extends BreakwaterError {
  readonly code = 'BREAKWATER_BULKHEAD_REJECTED' as const;
  override readonly name = 'BulkheadRejectedError';
  /** The bulkhead's name. */
  readonly bulkhead: string;
  /** Why the call was rejected. */
  readonly reason: BulkheadRejectionReason;

  /**
   * @param detailMs - for `queue_timeout`, how long the call waited, in milliseconds; for
   *   `limit`, the limit in force
   */
  constructor(bulkhead: string, reason: BulkheadRejectionReason, detailMs?: number) {
    super(describe(bulkhead, reason, detailMs));
    this.bulkhead = bulkhead;
    this.reason = reason;
  }

  /** Creates the error without capturing a stack trace: the fast-fail path. */
  static fast(
    bulkhead: string,
    reason: BulkheadRejectionReason,
    detailMs?: number,
  ): BulkheadRejectedError {
    return withoutStack(() => new BulkheadRejectedError(bulkhead, reason, detailMs));
  }
}

function describe(bulkhead: string, reason: BulkheadRejectionReason, waitedMs?: number): string {
  if (reason === 'queue_timeout') {
    return (
      `Bulkhead "${bulkhead}" found no free slot within ${waitedMs} ms; ` +
      'retry later or raise maxConcurrent.'
    );
  }
  if (reason === 'limit') {
    return (
      `Concurrency limit "${bulkhead}" reached: the dependency slows down beyond ` +
      `${waitedMs} calls at once; retry later.`
    );
  }
  return `Bulkhead "${bulkhead}" is full; retry later or raise maxConcurrent or maxQueue.`;
}

/**
 * True when `value`, or an error in its `cause` chain, is a {@link BulkheadRejectedError} from
 * any copy of Breakwater.
 */
export function isBulkheadRejectedError(value: unknown): value is BulkheadRejectedError {
  return findBreakwaterError(value, 'BREAKWATER_BULKHEAD_REJECTED') !== undefined;
}
