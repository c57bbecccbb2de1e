import { randomBytes } from 'node:crypto';
import type { BreakerRegistry } from '@breakwater/core';
import { HealthMonitor, registryCheck, serveDashboard } from '@breakwater/dashboard';

/** The dashboard of the Breakwater bot's breakers, on 127.0.0.1, for the length of the run. */
export interface DemoDashboard {
  /** What the live view shows under the progress bar. */
  readonly note: string;
  close(): Promise<void>;
}

/**
 * Serves `@breakwater/dashboard` for `registry` on a free loopback port, with a health check of
 * the breakers. The token for its reset and force-open buttons is made up for this run.
 */
export async function startDashboard(registry: BreakerRegistry): Promise<DemoDashboard> {
  const monitor = new HealthMonitor({ defaults: { intervalMs: 1_000 } });
  monitor.register('breakers', registryCheck(registry), { critical: false });
  monitor.start();
  const token = randomBytes(12).toString('hex');
  try {
    const server = await serveDashboard({ registry, monitor, token, port: 0 });
    return {
      note: `dashboard: ${server.url} (token for its buttons: ${token})`,
      async close() {
        monitor.stop();
        await server.close();
      },
    };
  } catch (error) {
    monitor.stop();
    throw error;
  }
}
