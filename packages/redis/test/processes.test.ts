import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, type Member } from './fleet.ts';
import { deleteKeys, inspector, randomPrefix, sharedPort } from './helpers.ts';

const name = 'https://api.binance.com';
// Child processes start Node and load the sources: give them time on a busy 2-core machine.
const timeoutMs = 60_000;
let redis: Redis;
let fleet: Fleet | undefined;
let prefix = randomPrefix();

beforeAll(async () => {
  redis = await inspector();
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
  await deleteKeys(redis, prefix);
});

async function startFleet(size: number, probeTimeoutMs = 60_000): Promise<Fleet> {
  prefix = randomPrefix();
  fleet = await Fleet.start(size, {
    port: sharedPort,
    prefix,
    name,
    recoveryMs: 10_000,
    probeTimeoutMs,
  });
  return fleet;
}

/** Opens the breaker in `opener` and resolves once every other member applied it. */
async function openEverywhere(fleet: Fleet, opener: Member): Promise<void> {
  const others = fleet.members.filter((m) => m !== opener);
  const applied = others.map((m) => m.next('stateChange', (e) => e.to === 'open'));
  opener.send({ op: 'fail' });
  await Promise.all(applied);
}

describe('a fleet of processes on one Redis', () => {
  it(
    'applies an open made in one process in the 7 others, for the same remaining time',
    async () => {
      const fleet = await startFleet(8);
      const [opener, ...others] = fleet.members as [Member, ...Member[]];
      const applied = others.map((m) => m.next('stateChange', (e) => e.to === 'open'));
      opener.send({ op: 'fail' });
      const changes = await Promise.all(applied);

      expect(changes.map((e) => e.reason)).toEqual(Array(7).fill('remote'));
      const states = await fleet.states();
      expect(states.map((s) => s.state)).toEqual(Array(8).fill('open'));
      for (const { openUntilMs } of states) {
        expect(openUntilMs).toBeGreaterThan(9_000);
        expect(openUntilMs).toBeLessThanOrEqual(10_000);
      }
    },
    timeoutMs,
  );

  it(
    'lets exactly one of 8 processes hammering a half-open breaker probe, then closes all',
    async () => {
      const fleet = await startFleet(8);
      await openEverywhere(fleet, fleet.members[0]!);
      await fleet.advance(10_000);

      const reports = await fleet.hammer();
      expect(reports.map((r) => r.admitted).reduce((a, b) => (a as number) + (b as number))).toBe(
        1,
      );
      for (const report of reports) {
        if (report.admitted === 0) expect(report.attempts).toBeGreaterThanOrEqual(20);
      }

      const prober = fleet.members[reports.findIndex((r) => r.admitted === 1)]!;
      const closed = fleet.members.map((m) => m.next('stateChange', (e) => e.to === 'closed'));
      prober.send({ op: 'settle', ok: true });
      await Promise.all(closed);
      expect((await fleet.states()).map((s) => s.state)).toEqual(Array(8).fill('closed'));
    },
    timeoutMs,
  );

  it(
    'hands the probe to another process when its holder is killed with SIGKILL',
    async () => {
      const config = await redis.config('GET', 'notify-keyspace-events');
      const previous = (config as string[])[1] ?? '';
      await redis.config('SET', 'notify-keyspace-events', 'Ex');
      const listener = redis.duplicate();
      try {
        const fleet = await startFleet(4, 1_000);
        await openEverywhere(fleet, fleet.members[0]!);
        await fleet.advance(10_000);
        const first = await fleet.hammer();
        const holder = fleet.members[first.findIndex((r) => r.admitted === 1)]!;
        const survivors = fleet.members.filter((m) => m !== holder);

        // The lease (the probe timeout, 1 s) must expire on Redis' clock, not be deleted.
        await listener.subscribe('__keyevent@0__:expired');
        const expired = new Promise<void>((resolve) => {
          listener.on('message', (_channel: string, key: string) => {
            if (key.startsWith(prefix) && key.endsWith(':lease')) resolve();
          });
        });
        await holder.kill();
        await expired;
        await fleet.advance(1_000, survivors);

        const second = await fleet.hammer(survivors);
        expect(second.filter((r) => r.admitted === 1)).toHaveLength(1);
        const prober = survivors[second.findIndex((r) => r.admitted === 1)]!;
        const closed = survivors.map((m) => m.next('stateChange', (e) => e.to === 'closed'));
        prober.send({ op: 'settle', ok: true });
        await Promise.all(closed);
        // The close ended the lease; only the state is left.
        expect(await redis.keys(`${prefix}*`)).toEqual([expect.stringMatching(/:state$/)]);
      } finally {
        listener.disconnect();
        await redis.config('SET', 'notify-keyspace-events', previous);
      }
    },
    timeoutMs,
  );
});
