import type { ExchangeId } from '../types.ts';

/**
 * A fetch-compatible function: the global `fetch`, undici's, or one wrapped by
 * `@breakwater/fetch`. Status checks send `init.breakwater = { bypass: true }`, so a wrapped
 * fetch reaches the exchange even while its breaker is open; a plain fetch ignores the field.
 */
export type FetchLike = (
  input: string,
  init?: RequestInit & { breakwater?: { bypass?: boolean } },
) => Promise<StatusResponseLike>;

/** The part of a Fetch `Response` a status check reads. */
export interface StatusResponseLike {
  readonly ok: boolean;
  readonly status: number;
  /** The parsed JSON body. */
  json(): Promise<unknown>;
}

/** Options of every system status check. */
export interface SystemStatusOptions {
  /**
   * The API's base URL, for a testnet, a regional domain or a test server.
   * @defaultValue the exchange's production REST URL
   */
  baseUrl?: string;
  /** Aborts the check. */
  signal?: AbortSignal;
}

/**
 * What an exchange says about itself:
 * - `operational`: trading as usual;
 * - `degraded`: up with restrictions (Kraken `cancel_only`/`post_only`, OKX `pre_open`);
 * - `maintenance`: down for maintenance, orders are not accepted;
 * - `unknown`: the status endpoint itself failed or answered something unexpected.
 */
export type SystemHealth = 'operational' | 'degraded' | 'maintenance' | 'unknown';

/** The result of a system status check. */
export interface SystemStatus {
  readonly exchange: ExchangeId;
  readonly health: SystemHealth;
  /** The exchange's own word for it (`online`, `cancel_only`, `ongoing`, `HTTP 503`, …). */
  readonly detail: string;
  /** When the current maintenance is expected to end, in epoch ms, when announced. */
  readonly maintenanceUntil?: number;
  /** When the next announced maintenance starts, in epoch ms. */
  readonly nextMaintenanceAt?: number;
}
