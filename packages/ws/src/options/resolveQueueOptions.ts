import { BreakwaterConfigError } from '@breakwater/core';
import {
  expectInteger,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { QueueOptions, ResolvedQueueOptions } from './types.ts';
import { maxCount } from './validate.ts';

const knownQueue: KnownKeys<QueueOptions> = { maxSize: true, dropPolicy: true };

/**
 * Validates the outgoing queue; `false` is a queue of size 0, which drops what is sent while
 * disconnected.
 * @throws BreakwaterConfigError naming the first invalid or unknown `queue` option
 */
export function resolveQueueOptions(value: QueueOptions | false | undefined): ResolvedQueueOptions {
  if (value === false) return Object.freeze({ maxSize: 0, dropPolicy: 'newest' });
  const queue = value ?? {};
  expectObject('queue', queue as unknown);
  rejectUnknownKeys('queue', queue, knownQueue);
  const dropPolicy = queue.dropPolicy ?? 'newest';
  if (dropPolicy !== 'newest' && dropPolicy !== 'oldest') {
    throw new BreakwaterConfigError('queue.dropPolicy', "'newest' or 'oldest'", dropPolicy);
  }
  return Object.freeze({
    maxSize: expectInteger('queue.maxSize', queue.maxSize ?? 1000, 0, maxCount),
    dropPolicy,
  });
}
