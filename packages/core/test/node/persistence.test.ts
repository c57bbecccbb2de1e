import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitBreaker, isBreakerOpenError, ManualClock } from '@breakwater/core';
import type { StoreErrorEvent } from '@breakwater/core/adapter';
import { FileStore } from '@breakwater/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-persistence-'));
  file = join(dir, 'breakers.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a breaker with a FileStore', () => {
  it('comes back open after a restart until openUntil, then probes', async () => {
    const clock = new ManualClock();
    const store = new FileStore({ path: file, clock });
    const before = new CircuitBreaker({
      name: 'https://api.kraken.com',
      clock,
      store,
      openMs: 60_000,
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    await before.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    expect(before.state).toBe('open');
    await store.dispose();
    before.dispose();

    // "Restart": a new store and breaker reading the same file, 10 s later.
    await clock.advance(10_000);
    const restartedStore = new FileStore({ path: file, clock });
    const after = new CircuitBreaker({
      name: 'https://api.kraken.com',
      clock,
      store: restartedStore,
    });
    await after.ready;
    expect(after.state).toBe('open');
    const rejection = after.tryAcquire();
    expect(isBreakerOpenError(rejection) && rejection.retryAfterMs).toBe(50_000);
    await clock.advance(50_000);
    expect(isBreakerOpenError(after.tryAcquire())).toBe(false);
    after.dispose();
    await restartedStore.dispose();
  });

  it('reports a corrupt file as storeError and starts fresh', async () => {
    await writeFile(file, '{"format":"breakwater.store/1","breakers":{"x":');
    const clock = new ManualClock();
    const store = new FileStore({ path: file, clock });
    const errors: StoreErrorEvent[] = [];
    const withStore = new CircuitBreaker({ name: 'x', clock, store });
    withStore.on('storeError', (event) => errors.push(event));
    await withStore.ready;
    expect(withStore.state).toBe('closed');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ breaker: 'x', operation: 'load' });
    expect(errors[0]!.error.message).toContain('not valid JSON');
    await expect(withStore.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
    withStore.dispose();
    await store.dispose();
  });
});
