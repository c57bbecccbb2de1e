import {
  adaptiveConcurrency,
  CircuitBreaker,
  isBreakerOpenError,
  isBulkheadRejectedError,
  ManualClock,
  type Policy,
} from '@breakwater/core';
import { seededRandom } from '@breakwater/core/adapter';
import { offer, ScriptedDependency } from './trafficModel.ts';

/**
 * One scripted scenario for every strategy: 50 calls a second; the dependency fails 2 % of calls
 * in 20 ms, then from 120 s to 150 s every call hangs for 1 s and fails (an outage), then it is
 * healthy again until 300 s. Time is a ManualClock; randomness is seeded.
 */
export const scenario = {
  outageFromMs: 120_000,
  outageToMs: 150_000,
  endMs: 300_000,
  callsPerSecond: 50,
} as const;

export interface ComparisonRow {
  readonly name: string;
  readonly config: string;
  /** Calls that reached the dependency during the outage. */
  readonly sentToFailing: number;
  /** Calls rejected locally while the dependency was healthy. */
  readonly successfulLost: number;
  /** From the end of the outage to the last local rejection, in seconds. */
  readonly recoverySeconds: number;
}

const openMs = 5_000;

const contenders: readonly {
  readonly name: string;
  readonly config: string;
  readonly create: (clock: ManualClock) => Policy;
}[] = [
  {
    name: 'consecutive',
    config: '`{ failureCount: 5 }`',
    create: (clock) => new CircuitBreaker({ clock, openMs, strategy: { failureCount: 5 } }),
  },
  {
    name: 'time window',
    config: '`{ windowMs: 10_000, failureRate: 0.5, minCalls: 20 }`',
    create: (clock) =>
      new CircuitBreaker({
        clock,
        openMs,
        strategy: { windowMs: 10_000, failureRate: 0.5, minCalls: 20 },
      }),
  },
  {
    name: 'SRE throttle',
    config: "`{ type: 'throttle', windowMs: 10_000 }`",
    create: (clock) =>
      new CircuitBreaker({ clock, openMs, strategy: { type: 'throttle', windowMs: 10_000 } }),
  },
  {
    name: 'adaptive threshold',
    config: "`{ type: 'adaptive', windowMs: 10_000, halfLifeMs: 60_000, warmupMs: 60_000 }`",
    create: (clock) =>
      new CircuitBreaker({
        clock,
        openMs,
        strategy: { type: 'adaptive', windowMs: 10_000, halfLifeMs: 60_000, warmupMs: 60_000 },
      }),
  },
  {
    name: 'concurrency limit',
    config: '`adaptiveConcurrency({ windowMs: 1_000 })`',
    create: (clock) => adaptiveConcurrency({ clock, windowMs: 1_000 }),
  },
];

export async function runComparison(): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  const { outageFromMs, outageToMs, endMs, callsPerSecond } = scenario;
  for (const contender of contenders) {
    const clock = new ManualClock({ random: seededRandom(1) });
    const inOutage = (t: number) => t >= outageFromMs && t < outageToMs;
    const dependency = new ScriptedDependency(clock, seededRandom(2), (t) =>
      inOutage(t) ? { failureRate: 1, latencyMs: 1_000 } : { failureRate: 0.02, latencyMs: 20 },
    );
    const policy = contender.create(clock);
    let sentToFailing = 0;
    let successfulLost = 0;
    let lastRejection = 0;
    const send = () =>
      policy
        .execute(() => {
          if (inOutage(clock.monotonic())) sentToFailing++;
          return dependency.call();
        })
        .catch((error: unknown) => {
          if (!isBreakerOpenError(error) && !isBulkheadRejectedError(error)) return;
          const now = clock.monotonic();
          lastRejection = now;
          if (!inOutage(now)) successfulLost++;
        });
    await offer(clock, endMs, 100, (callsPerSecond / 10) | 0, send);
    await clock.advance(2_000);
    (policy as { dispose?: () => void }).dispose?.();
    rows.push({
      name: contender.name,
      config: contender.config,
      sentToFailing,
      successfulLost,
      recoverySeconds: Math.max(0, (lastRejection - outageToMs) / 1000),
    });
  }
  return rows;
}

/** The table the core README shows. */
export function comparisonTable(rows: readonly ComparisonRow[]): string {
  const lines = [
    '| strategy | requests sent to the failing dependency | successful calls lost | time to recover |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name}: ${row.config} | ${row.sentToFailing} | ${row.successfulLost} | ${row.recoverySeconds.toFixed(1)} s |`,
    );
  }
  return lines.join('\n');
}
