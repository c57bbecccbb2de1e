import { BreakerRegistry, exponentialBackoff, type RegistryBreakerOptions } from '@breakwater/core';
import type { ExchangeSim } from '@breakwater/exchanges/testing';
import { Bot } from './Bot.ts';
import { type DemoDashboard, startDashboard } from './dashboard.ts';
import type { DemoOptions } from './options.ts';
import { RequestMeter } from './RequestMeter.ts';
import { type DemoSummary, type exchanges, type RunReport, summarize } from './report.ts';
import { ScaledClock } from './ScaledClock.ts';
import { exhaustWeight, simIncident, startSimulator } from './simulator.ts';
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
  const registry = new BreakerRegistry({ clock, defaults: breakerDefaults });
  const bots: Bot[] = [];
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
    sims.push(...(await Promise.all([startSimulator(clock), startSimulator(clock)])));
    const [stageBw, stageBare] = sims as [ExchangeSim, ExchangeSim];
    let storyStart = Number.POSITIVE_INFINITY;
    const at = () => Math.max(0, clock.monotonic() - storyStart);
    const stamp = () => `[${(at() / 1000).toFixed(1).padStart(4)} s]`;
    const log = (line: string) => view.event(`${stamp()}   Breakwater: ${line}`);
    bots.push(
      new Bot('breakwater', stageBw, clock, registry, log),
      new Bot('bare', stageBare, clock),
    );
    await Promise.all(bots.map((bot) => bot.start()));

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
              exhaustWeight(sim, incident.exchange, () => meter.discount(incident.exchange)),
            );
          });
        }, incident.atMs),
      );
    }
    registry.on('stateChange', ({ breaker, from, to, category }) =>
      view.event(
        `${stamp()}   Breakwater: ${breaker} ${from} → ${to}${category ? ` (${category})` : ''}`,
      ),
    );

    const controller = new AbortController();
    const runs = bots.map((bot) => bot.run(controller.signal));
    await new Promise<void>((resolve) => {
      const draw = () => {
        const now = Math.min(at(), storyMs);
        view.render({
          atMs: now,
          storyMs,
          incidents: activeIncidents(now).map((incident) => incident.label),
          notes,
          tables: bots.map((bot) => ({
            title: bot.mode === 'breakwater' ? 'with Breakwater' : 'without (bare clients)',
            rows: bot.rows(),
          })),
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
    await Promise.all([...runs, ...backfills]);

    const reports = bots.map((bot, index) =>
      reportOf(bot, sims[index]!, meters[index]!, windows, storyStart),
    ) as [RunReport, RunReport];
    return summarize(reports[0], reports[1], storyMs, performance.now() - realStart);
  } finally {
    await dashboard?.close();
    for (const timer of timers) clock.clearTimeout(timer);
    for (const meter of meters) meter.dispose();
    await Promise.all(bots.map((bot) => bot.close()));
    registry.dispose();
    await Promise.all(sims.map((sim) => sim.close()));
  }
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
      bans: counters.statuses[418] ?? 0,
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
