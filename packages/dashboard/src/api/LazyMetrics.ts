import type { ServerResponse } from 'node:http';
import { sendError, sendText } from './http.ts';
import type { MetricsSource, ResolvedDashboardOptions } from './resolveDashboardOptions.ts';

/**
 * `GET /metrics` without a `metrics` option: a private prom-client registry with the breakers'
 * metrics, created at the first scrape so prom-client stays an optional peer.
 */
export class LazyMetrics {
  readonly #o: ResolvedDashboardOptions;
  #source: Promise<{ source: MetricsSource; dispose(): void } | undefined> | undefined;

  constructor(o: ResolvedDashboardOptions) {
    this.#o = o;
  }

  async serve(res: ServerResponse): Promise<void> {
    const configured = this.#o.metrics;
    if (configured === false) return sendError(res, 404, 'not_found', 'No metrics are served.');
    const source = configured ?? (await this.#private())?.source;
    if (source === undefined) {
      return sendError(
        res,
        501,
        'metrics_unavailable',
        'Install prom-client (a peer dependency) to serve /metrics.',
      );
    }
    sendText(res, 200, source.contentType, await source.metrics());
  }

  dispose(): void {
    void this.#source?.then((made) => made?.dispose());
  }

  #private(): Promise<{ source: MetricsSource; dispose(): void } | undefined> {
    this.#source ??= (async () => {
      try {
        const [{ Registry }, { registerBreakerMetrics }] = await Promise.all([
          import('prom-client'),
          import('@breakwater/prometheus'),
        ]);
        const register = new Registry();
        const registered = registerBreakerMetrics({ registry: this.#o.registry, register });
        return { source: register, dispose: () => registered.dispose() };
      } catch {
        return undefined;
      }
    })();
    return this.#source;
  }
}
