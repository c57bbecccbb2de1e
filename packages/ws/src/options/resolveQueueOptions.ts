import { BreakwaterConfigError } from '@breakwater/core';
import {
  expectInteger,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { DropPolicy } from '../OutgoingQueue.ts';
import { maxCount } from './common.ts';

/** The outgoing queue used while disconnected. */
export interface QueueOptions {
  /**
   * Messages kept while disconnected; `0` drops every message sent while disconnected.
   * @defaultValue `1000`
   */
  maxSize?: number;
  /**
   * What a full queue gives up.
   * @defaultValue `'newest'` (the message being sent; `send()` returns false)
   */
  dropPolicy?: DropPolicy;
}

/** The validated form of {@link QueueOptions}. */
export interface ResolvedQueueOptions {
  readonly maxSize: number;
  readonly dropPolicy: DropPolicy;
}

const knownQueue: KnownKeys<QueueOptions> = { maxSize: true, dropPolicy: true };

/**
 * Validates the outgoing queue; `false` is a queue of size 0, which drops what is sent while
 * disconnected.
 * @throws BreakwaterConfigError naming the first invalid or unknown `queue` option
 */
export function resolveQueueOptions(value: QueueOptions | false | undefined): ResolvedQueueOptions {
  if (value === false) return { maxSize: 0, dropPolicy: 'newest' };
  const queue = value ?? {};
  expectObject('queue', queue as unknown);
  rejectUnknownKeys('queue', queue, knownQueue);
  const dropPolicy = queue.dropPolicy ?? 'newest';
  if (dropPolicy !== 'newest' && dropPolicy !== 'oldest') {
    throw new BreakwaterConfigError('queue.dropPolicy', "'newest' or 'oldest'", dropPolicy);
  }
  return {
    maxSize: expectInteger('queue.maxSize', queue.maxSize ?? 1000, 0, maxCount),
    dropPolicy,
  };
}
