import { ManualClock } from '@breakwater/core';
import { type ExchangeSim, startExchangeSim } from '@breakwater/exchanges/testing';
import ccxt from 'ccxt';
import { afterEach } from 'vitest';

/** The simulators a test started; closed after each test. */
const started: ExchangeSim[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

/** Starts a simulator on a fresh `ManualClock` (1 Jan 2026) and closes it after the test. */
export async function startSim(
  options: Parameters<typeof startExchangeSim>[0] = {},
): Promise<{ sim: ExchangeSim; clock: ManualClock }> {
  const clock = new ManualClock({ startMs: Date.UTC(2026, 0, 1) });
  const sim = await startExchangeSim({ clock, ...options });
  started.push(sim);
  return { sim, clock };
}

/** A ccxt Kraken with a well-formed fake key, pointed at the simulator. */
export function krakenClient(sim: ExchangeSim) {
  return sim.redirect(
    new ccxt.kraken({
      // ccxt's own throttle would space the test's calls out by real seconds.
      enableRateLimit: false,
      apiKey: 'sim-key',
      secret: Buffer.from('not-a-real-secret-but-valid-base64').toString('base64'),
    }),
  );
}

/** A ccxt Binance with a fake key, pointed at the simulator. */
export function binanceClient(sim: ExchangeSim) {
  return sim.redirect(
    new ccxt.binance({ enableRateLimit: false, apiKey: 'sim-key', secret: 'sim-secret' }),
  );
}

/**
 * Lets I/O run until `check` holds: the simulator handles what a client sent on its own
 * schedule, and a test drives its clock only once the request has arrived.
 */
export async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; !check(); turn++) {
    if (turn > 10_000) throw new Error('condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
