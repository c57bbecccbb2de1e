import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { SelfTimedCase } from '../cases/types.ts';
import type { LatencyResult } from '../results.ts';
import { percentile } from '../stats.ts';
import { redisPort, redisUnavailable } from './redisAvailable.ts';

const memberPath = fileURLToPath(new URL('./fleetLimiterMember.ts', import.meta.url));

interface MemberResult {
  readonly granted: number;
  readonly fallbacks: number;
  readonly latenciesMs: number[];
}

function member(): ChildProcess {
  return fork(memberPath, [], {
    execArgv: ['--conditions=@breakwater/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function result(child: ChildProcess, run: Record<string, unknown>): Promise<MemberResult> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: a fleet member exited (${code})`)));
    child.once('message', (message: MemberResult) => resolve(message));
    child.send({ op: 'run', ...run });
  });
}

const implementations = [
  { impl: 'tryAcquire', how: 'tryAcquire', maxBatchWeight: 100 },
  { impl: 'execute', how: 'execute', maxBatchWeight: 100 },
  { impl: 'execute-no-batch', how: 'execute', maxBatchWeight: 0 },
] as const;

/**
 * `fleet-limiter`: 8 processes (1 in a smoke run) spend one RedisRateLimiter budget on loopback
 * Redis as fast as they can: acquisitions per second of the whole fleet, and the latency of one
 * acquisition: the synchronous `tryAcquire()` (pre-claims of up to 100), `execute()` of a
 * no-op with the same pre-claims, and `execute()` with a round trip for each (`maxBatchWeight:
 * 0`).
 */
export const fleetLimiter: SelfTimedCase = {
  name: 'fleet-limiter',
  summary: 'acquisitions/s and latency (ms) of a RedisRateLimiter shared by 8 processes',
  ...(redisUnavailable ? { unavailable: redisUnavailable } : {}),
  async measure(smoke) {
    const processes = smoke ? 1 : 8;
    const durationMs = smoke ? 200 : 3_000;
    const results: Record<string, LatencyResult & { opsPerSec: number }> = {};
    for (const { impl, how, maxBatchWeight } of implementations) {
      const prefix = `bench:${randomUUID().slice(0, 8)}:`;
      const members = Array.from({ length: processes }, member);
      try {
        const runs = await Promise.all(
          members.map((child) => result(child, { prefix, how, maxBatchWeight, durationMs })),
        );
        const latencies = runs.flatMap((r) => r.latenciesMs);
        const granted = runs.reduce((sum, r) => sum + r.granted, 0);
        const fallbacks = runs.reduce((sum, r) => sum + r.fallbacks, 0);
        results[impl] = {
          opsPerSec: Math.round(granted / (durationMs / 1_000)),
          p50Ms: round6(percentile(latencies, 50)),
          p99Ms: round6(percentile(latencies, 99)),
          samples: latencies.length,
          config:
            `${processes} forked processes for ${durationMs} ms each, one budget of 10M/s, ` +
            `${how === 'tryAcquire' ? 'tryAcquire(1) (a turn when it says wait)' : 'execute(noop)'}, ` +
            `maxBatchWeight ${maxBatchWeight}; Redis on loopback; ${fallbacks} local fallbacks`,
        };
      } finally {
        for (const child of members) {
          child.removeAllListeners('exit');
          if (child.connected) child.send({ op: 'exit' });
        }
        const cleaner = new Redis({ port: redisPort, lazyConnect: true });
        await cleaner.connect();
        const keys = await cleaner.keys(`${prefix}*`);
        if (keys.length > 0) await cleaner.del(...keys);
        cleaner.disconnect();
      }
    }
    return results;
  },
};

/** Six decimals: a pre-claimed acquisition takes about a tenth of a microsecond. */
function round6(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}
