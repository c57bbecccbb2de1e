import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type BreakerState,
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
} from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent, RedisServer, randomPrefix } from './helpers.ts';

const run = promisify(execFile);
let directory: string;
let nodes: RedisServer[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'breakwater-cluster-'));
  nodes = await Promise.all(
    [0, 1, 2].map(() =>
      RedisServer.start((port) => [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--dir',
        directory,
      ]),
    ),
  );
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((node) => `127.0.0.1:${node.port}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.kill()));
  await rm(directory, { recursive: true, force: true });
});

function template(): Cluster {
  return new Cluster([{ host: '127.0.0.1', port: nodes[0]!.port }], { lazyConnect: true });
}

function nextState(breaker: CircuitBreaker, to: BreakerState): Promise<unknown> {
  return new Promise((resolve) => {
    const off = breaker.on('stateChange', (event) => {
      if (event.to === to) resolve(off());
    });
  });
}

describe('a three-node Redis Cluster', () => {
  it('shares transitions and the probe lease for breakers spread over its slots', async () => {
    const prefix = randomPrefix();
    const inspector = template();
    const stores = [0, 1].map(() => new RedisStore({ client: template(), prefix }));
    await Promise.all(stores.map((store) => nextEvent(store, 'reconciled')));
    const names = Array.from({ length: 12 }, (_, i) => `https://api-${i}.example`);
    const clocks = [new ManualClock(), new ManualClock()];
    const breakers = stores.map((store, s) =>
      names.map(
        (name) =>
          new CircuitBreaker({
            name,
            store,
            clock: clocks[s],
            openMs: 1_000,
            strategy: { type: 'consecutive', failureCount: 1 },
          }),
      ),
    ) as [CircuitBreaker[], CircuitBreaker[]];
    await Promise.all(breakers.flat().map((breaker) => breaker.ready));

    // One breaker's keys share a slot (the hash tag), and the breakers span the three nodes.
    const slots = await Promise.all(
      names.map(async (name) => {
        const keys = stores[0]!.keysOf(name);
        const own = await Promise.all(
          [keys.state, keys.lease, keys.votes].map((key) => inspector.cluster('KEYSLOT', key)),
        );
        expect(new Set(own).size).toBe(1);
        return own[0] as number;
      }),
    );
    const owners = new Set(slots.map((slot) => Math.floor(slot / 5462)));
    expect(owners.size).toBe(3);

    const opened = names.map((_, i) => nextState(breakers[1][i]!, 'open'));
    for (const breaker of breakers[0])
      breaker.acquire().settle({ kind: 'error', error: new Error('down') });
    await Promise.all(opened);

    for (const clock of clocks) await clock.advance(1_000);
    const probed: string[] = [];
    let extraTurns = 20;
    for (let turn = 0; turn < 1_000 && extraTurns > 0; turn++) {
      for (const breaker of breakers.flat()) {
        if (!isBreakerOpenError(breaker.tryAcquire())) probed.push(breaker.name);
      }
      if (probed.length >= names.length) extraTurns--;
      await inspector.ping();
    }
    // One probe per breaker across both processes.
    expect(probed.sort()).toEqual([...names].sort());

    for (const breaker of breakers.flat()) breaker.dispose();
    await Promise.all(stores.map((store) => store.dispose()));
    inspector.disconnect();
  }, 60_000);
});
