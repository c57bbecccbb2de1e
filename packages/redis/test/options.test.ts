import { isBreakwaterConfigError } from '@breakwater/core';
import { RedisStore, type RedisStoreOptions } from '@breakwater/redis';
import { describe, expect, it } from 'vitest';
import { template } from './helpers.ts';

function message(options: unknown): string {
  try {
    new RedisStore(options as RedisStoreOptions);
  } catch (error) {
    expect(isBreakwaterConfigError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('no error thrown');
}

describe('RedisStore options', () => {
  const client = template();

  it('names the option, what is allowed and what was received', () => {
    expect(message(undefined)).toBe(
      'Invalid option `options`: expected an object, received undefined.',
    );
    expect(message({})).toBe(
      'Invalid option `client`: expected an ioredis Redis or Cluster instance, received undefined.',
    );
    expect(message({ client: 'redis://localhost' })).toMatch(/`client`.*received "redis/);
    expect(message({ client, prefix: '' })).toBe(
      'Invalid option `prefix`: expected a non-empty string, received "".',
    );
    expect(message({ client, stateTtlMs: 0 })).toMatch(/`stateTtlMs`: expected an integer from 1/);
    expect(message({ client, maxReconnectDelayMs: 1.5 })).toMatch(/`maxReconnectDelayMs`/);
    expect(message({ client, commandTimeoutMs: -1 })).toMatch(/`commandTimeoutMs`/);
    expect(message({ client, quorum: { minProcesses: 1 } })).toBe(
      'Invalid option `quorum.minProcesses`: expected an integer >= 2, received 1.',
    );
    expect(message({ client, quorum: { minProcesses: 2, windowMs: 0 } })).toMatch(
      /`quorum.windowMs`/,
    );
    expect(message({ client, clock: {} })).toMatch(/`clock`: expected a Clock/);
    expect(message({ client, onListenerError: 1 })).toMatch(/`onListenerError`/);
  });

  it('rejects unknown options with the closest known name', () => {
    expect(message({ client, prefx: 'a:' })).toBe(
      'Unknown option `prefx` (did you mean `prefix`?): expected one of client, prefix, clock, ' +
        'stateTtlMs, maxReconnectDelayMs, commandTimeoutMs, quorum, onListenerError.',
    );
    expect(message({ client, quorum: { minProcesses: 2, window: 5 } })).toMatch(
      /Unknown option `quorum.window`/,
    );
  });
});
