/**
 * One process of the `fleet-limiter` case, forked by `fleetLimiter.ts`: a RedisRateLimiter on
 * the shared budget, spending it as fast as it can for `durationMs`.
 *
 * Messages in: `{ op: 'run', prefix, how, maxBatchWeight, durationMs }`, `how` one of
 * `tryAcquire` (the synchronous call: when it says wait, the process yields a turn for the
 * pre-claim to arrive) or `execute` (a no-op action through the limiter, awaited); `{ op:
 * 'exit' }`. Messages out: `{ op: 'result', granted, fallbacks, latenciesMs }` with at most
 * 20 000 latencies (every k-th), in ms, and how often the limiter went local.
 */
import { RedisRateLimiter } from '@breakwater/redis';
import { Redis } from 'ioredis';
import { redisPort } from './redisAvailable.ts';

interface Run {
  prefix: string;
  how: 'tryAcquire' | 'execute';
  maxBatchWeight: number;
  durationMs: number;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const noop = () => Promise.resolve();

async function run({ prefix, how, maxBatchWeight, durationMs }: Run): Promise<void> {
  const limiter = new RedisRateLimiter({
    client: new Redis({ port: redisPort, lazyConnect: true }),
    prefix,
    name: 'bench:fleet',
    // Far more than 8 processes can spend: the case measures the limiter, never a wait.
    capacity: 10_000_000,
    refill: { amount: 10_000_000, intervalMs: 1_000 },
    maxBatchWeight,
    // A loaded machine must not turn the case into a measurement of the local fallback.
    commandTimeoutMs: 5_000,
  });
  let fallbacks = 0;
  limiter.on('fallback', (event) => {
    if (event.active) fallbacks++;
  });
  await limiter.execute(noop);
  const latencies: number[] = [];
  let granted = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    const start = performance.now();
    if (how === 'execute') {
      await limiter.execute(noop);
      latencies.push(performance.now() - start);
      granted++;
    } else {
      const waitMs = limiter.tryAcquire(1);
      latencies.push(performance.now() - start);
      if (waitMs === 0) granted++;
      else await turn();
    }
    // Yield now and then so the connection's replies are read.
    if ((latencies.length & 1023) === 0) await turn();
  }
  await limiter.dispose();
  const step = Math.max(1, Math.ceil(latencies.length / 20_000));
  const latenciesMs = latencies.filter((_, i) => i % step === 0);
  process.send?.({ op: 'result', granted, fallbacks, latenciesMs });
}

process.on('message', async (message: { op: string } & Partial<Run>) => {
  if (message.op === 'run') await run(message as Run);
  else if (message.op === 'exit') process.disconnect();
});
