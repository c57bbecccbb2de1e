import { BreakerRegistry, exponentialBackoff, type RegistryBreakerOptions } from '@breakwater/core';
import type { ExchangeSim } from '@breakwater/exchanges/testing';
import type { RedisStore } from '@breakwater/redis';
import ccxt from 'ccxt';
import { Redis } from 'ioredis';
import { Bot } from './Bot.ts';
import { type DemoDashboard, startDashboard } from './dashboard.ts';
import { type FleetConfig, sharedRegistry, WorkerBot } from './fleet.ts';
import type { DemoOptions } from './options.ts';
import { RequestMeter } from './RequestMeter.ts';
import { type DemoSummary, type exchanges, type RunReport, summarize } from './report.ts';
import { ScaledClock } from './ScaledClock.ts';
import { exhaustWeight, simIncident, startSimulator, weightPerBot } from './simulator.ts';
import {
  activeIncidents,
  type FailingWindow,
  failingWindows,
  storyMs,
  timeline,
} from './timeline.ts';
import type { View } from './ui/LiveView.ts';

/**
 * The Breakwater bot's breakers: open after 3 failures in a row (or at once on a Retry-After or
 * a ban), probe after 2 s, then every 4 s while the exchange keeps failing.
 */
export const breakerDefaults: RegistryBreakerOptions = {
  strategy: { failureCount: 3 },
  openMs: exponentialBackoff({ initialMs: 2_000, factor: 2, maxMs: 4_000, jitter: 0.1 }),
};

/** Binance counts request weight per minute of its clock; the story's minute ends here. */
const binanceMinuteEndsAtMs = 30_000;

/** How often the live view is redrawn, in real milliseconds. */
const frameIntervalMs = 100;

/**
 * Plays the timeline against both bots at once, each on a simulator of its own, and returns
 * the comparison. Everything it starts is stopped before it returns, also on error.
 */
export async function runDemo(options: DemoOptions, view: View): Promise<DemoSummary> {
  const clock = new ScaledClock(storyMs / (options.durationS * 1000));
  const realStart = performance.now();
  const sims: ExchangeSim[] = [];
  let store: RedisStore | undefined;
  let registry: BreakerRegistry;
  const prefix = `breakwater-demo:${process.pid}:`;
  if (options.redis) {
    await expectRedis(options.redisUrl);
    ({ registry, store } = sharedRegistry(
      { redisUrl: options.redisUrl, prefix },
      clock,
      breakerDefaults,
    ));
  } else {
    registry = new BreakerRegistry({ clock, defaults: breakerDefaults });
  }
  const bots: Bot[] = [];
  let worker: WorkerBot | undefined;
  const meters: RequestMeter[] = [];
  const timers: unknown[] = [];
  const notes: string[] = [];
  let dashboard: DemoDashboard | undefined;
  try {
    if (options.dashboard) {
      dashboard = await startDashboard(registry);
      notes.push(dashboard.note);
      view.event(dashboard.note);
    }
    // --redis: two bots on each side, on one IP each: twice the weight, as two keys would have.
    const botsPerSide = options.redis ? 2 : 1;
    const binanceWeightLimit = weightPerBot * botsPerSide;
    sims.push(
      ...(await Promise.all([
        startSimulator(clock, botsPerSide),
        startSimulator(clock, botsPerSide),
      ])),
    );
    const [stageBw, stageBare] = sims as [ExchangeSim, ExchangeSim];
    let storyStart = Number.POSITIVE_INFINITY;
    const at = () => Math.max(0, clock.monotonic() - storyStart);
    const stamp = () => `[${(at() / 1000).toFixed(1).padStart(4)} s]`;
    const log = (line: string) => view.event(`${stamp()}   Breakwater: ${line}`);
    const common = { clock, binanceWeightLimit };
    bots.push(
      new Bot({ ...common, mode: 'breakwater', stage: stageBw, registry, log }),
      new Bot({ ...common, mode: 'bare', stage: stageBare }),
    );
    // --redis: a second Breakwater bot, in a process of its own, shares the first one's breakers
    // through Redis; against it, a second bare bot (sharing nothing: there is nothing to share).
    if (options.redis) bots.push(new Bot({ ...common, mode: 'bare', stage: stageBare }));
    const workerStarted = options.redis
      ? WorkerBot.start(
          { ...fleetConfig(stageBw, clock, options.redisUrl, prefix), binanceWeightLimit },
          (line) => view.event(`${stamp()}   Breakwater #2: ${line}`),
        )
      : undefined;
    await Promise.all([...bots.map((bot) => bot.start()), workerStarted]);
    worker = await workerStarted;
    if (worker !== undefined)
      notes.push(
        `--redis: a second Breakwater bot process shares these breakers through ${options.redisUrl}`,
      );

    // The story starts now, on both simulators at once, and Binance's minute ends at 30 s.
    storyStart = clock.monotonic();
    clock.alignMinuteAt(storyStart + binanceMinuteEndsAtMs);
    for (const sim of sims) {
      sim.timeline(timeline.flatMap((incident) => simIncident(incident, sim.elapsedMs) ?? []));
    }
    const windows = failingWindows();
    for (const sim of sims) meters.push(new RequestMeter(sim, clock, windows));
    const backfills: Promise<void>[] = [];
    for (const incident of timeline) {
      timers.push(
        clock.setTimeout(() => {
          view.event(`${stamp()} ▶ ${incident.label}`);
          if (incident.kind !== 'weight-exhausted') return;
          sims.forEach((sim, index) => {
            const meter = meters[index]!;
            backfills.push(
              exhaustWeight(sim, incident.exchange, binanceWeightLimit, () =>
                meter.discount(incident.exchange),
              ),
            );
          });
        }, incident.atMs),
      );
    }
    registry.on('stateChange', ({ breaker, from, to, category, reason }) =>
      view.event(`${stamp()}   Breakwater: ${breaker} ${from} → ${to} (${category ?? reason})`),
    );

    const controller = new AbortController();
    const runs = bots.map((bot) => bot.run(controller.signal));
    worker?.run();
    await new Promise<void>((resolve) => {
      const draw = () => {
        const now = Math.min(at(), storyMs);
        view.render({
          atMs: now,
          storyMs,
          incidents: activeIncidents(now).map((incident) => incident.label),
          notes,
          tables: [
            { title: 'with Breakwater', rows: bots[0]!.rows() },
            ...(worker === undefined
              ? []
              : [{ title: 'Breakwater, second process', rows: worker.rows() }]),
            { title: 'without (bare clients)', rows: bots[1]!.rows() },
          ],
        });
        if (now >= storyMs) {
          clearInterval(interval);
          resolve();
        }
      };
      const interval = setInterval(draw, frameIntervalMs);
      draw();
    });
    controller.abort();
    await Promise.all([...runs, ...backfills, worker?.stop()]);

    const [bwBot, bareBot] = bots as [Bot, Bot];
    return summarize(
      reportOf(bwBot, stageBw, meters[0]!, windows, storyStart),
      reportOf(bareBot, stageBare, meters[1]!, windows, storyStart),
      storyMs,
      performance.now() - realStart,
    );
  } finally {
    await worker?.stop();
    await dashboard?.close();
    for (const timer of timers) clock.clearTimeout(timer);
    for (const meter of meters) meter.dispose();
    await Promise.all(bots.map((bot) => bot.close()));
    registry.dispose();
    await store?.dispose();
    if (options.redis) await forget(options.redisUrl, prefix);
    await Promise.all(sims.map((sim) => sim.close()));
  }
}

/** Fails with what to do when `--redis` finds no Redis at `url`. */
async function expectRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `--redis needs a Redis at ${url} (set REDIS_URL for another): ${(error as Error).message}`,
    );
  } finally {
    client.disconnect();
  }
}

/** Deletes what this run left in Redis (its breakers' states would expire in 5 minutes). */
async function forget(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  } catch {
    // Redis went away meanwhile: the states expire by themselves.
  } finally {
    client.disconnect();
  }
}

/** What the second bot process needs: this speed, this Redis, the Breakwater bot's simulator. */
function fleetConfig(
  sim: ExchangeSim,
  clock: ScaledClock,
  redisUrl: string,
  prefix: string,
): Omit<FleetConfig, 'binanceWeightLimit'> {
  const api = (exchange: { urls: Record<string, unknown> }) => exchange.urls.api;
  return {
    speed: clock.speed,
    redisUrl,
    prefix,
    urls: { kraken: sim.url('kraken'), binance: sim.url('binance') },
    wsUrls: { kraken: sim.wsUrl('kraken'), binance: sim.wsUrl('binance') },
    apis: {
      kraken: api(sim.redirect(new ccxt.kraken())),
      binance: api(sim.redirect(new ccxt.binance())),
    },
  };
}

function reportOf(
  bot: Bot,
  sim: ExchangeSim,
  meter: RequestMeter,
  windows: readonly FailingWindow[],
  storyStart: number,
): RunReport {
  const tally = (id: (typeof exchanges)[number]) => {
    const counters = sim.counters(id);
    return {
      requests: counters.requests - meter.discounted(id),
      requestsWhileFailing: meter.whileFailing(id),
      bans: counters.bans,
      bannedRequests: counters.bannedRequests,
      ordersSentTwice: counters.duplicateOrders,
      wsConnects: counters.wsConnects,
    };
  };
  const recovery = (id: (typeof exchanges)[number]) => {
    // The longest wait, after any failing window on this exchange, for the next good ticker.
    let longest: number | undefined = 0;
    for (const window of windows.filter((w) => w.exchange === id)) {
      const next = bot.tickers[id].find((t) => t - storyStart >= window.endMs);
      if (next === undefined) return undefined;
      longest = Math.max(longest, next - storyStart - window.endMs);
    }
    return longest;
  };
  return {
    mode: bot.mode,
    exchanges: { kraken: tally('kraken'), binance: tally('binance') },
    recoveryMs: { kraken: recovery('kraken'), binance: recovery('binance') },
    rows: bot.rows(),
  };
}
