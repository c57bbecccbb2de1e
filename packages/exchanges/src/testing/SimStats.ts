import type { SimCounters } from './types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The counters of one exchange, as the venues and the server update them. */
export class SimStats {
  readonly routes = new Map<string, Map<number, number>>();
  readonly statuses = new Map<number, number>();
  readonly counts: Mutable<Omit<SimCounters, 'routes' | 'statuses'>> = {
    requests: 0,
    ordersPlaced: 0,
    duplicateOrders: 0,
    rateLimited: 0,
    bans: 0,
    bannedRequests: 0,
    wsAttempts: 0,
    wsConnects: 0,
    wsMessages: 0,
    wsSubscriptions: 0,
  };

  /** Counts one answered request. */
  answered(route: string, status: number): void {
    this.counts.requests++;
    let byStatus = this.routes.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.routes.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** A copy a test can keep. */
  snapshot(): SimCounters {
    const routes: Record<string, Record<number, number>> = {};
    for (const [route, byStatus] of this.routes) routes[route] = Object.fromEntries(byStatus);
    return { ...this.counts, routes, statuses: Object.fromEntries(this.statuses) };
  }
}
