import {
  type BreakerRegistry,
  BreakwaterConfigError,
  type Clock,
  defaultRegistry,
} from '@breakwater/core';
import {
  expectBoolean,
  expectClock,
  expectInteger,
  expectNumber,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
  systemClock,
} from '@breakwater/core/adapter';
import type { HealthMonitor } from '../health/HealthMonitor.ts';

/** A Prometheus exposition source: a prom-client `Registry` (or anything shaped like one). */
export interface MetricsSource {
  /** The `content-type` of `metrics()`'s text. */
  readonly contentType: string;
  /** The metrics in Prometheus' text format, as prom-client's `Registry.metrics()`. */
  metrics(): Promise<string> | string;
}

/** Options of {@link dashboardHandler} (and {@link serveDashboard}). Every option is optional. */
export interface DashboardOptions {
  /**
   * The breakers shown and steered.
   * @defaultValue `defaultRegistry()`, read once
   */
  registry?: BreakerRegistry;
  /** Health checks reported by `GET /health` and the page, and alerts by `GET /alerts`. */
  monitor?: HealthMonitor;
  /**
   * The bearer token every mutating request (`POST`, `PUT`) must send as
   * `Authorization: Bearer <token>`; at least 16 characters. Without one the API is read-only.
   * It is compared in constant time and never appears in a response, event or error.
   */
  token?: string;
  /**
   * Refuses every mutating request (403), even with the token.
   * @defaultValue `false` (but read-only anyway without a `token`)
   */
  readOnly?: boolean;
  /**
   * The largest request body accepted, in bytes; a larger one gets 413.
   * @defaultValue `16_384`
   */
  maxBodyBytes?: number;
  /**
   * Origins allowed to call the API from another site's page (CORS). Without it no CORS header
   * is sent, and browsers keep other sites out.
   * @defaultValue none
   */
  corsOrigins?: readonly string[];
  /**
   * Host names (without port) the `Host` header must name; any other gets 421. Guards a
   * dashboard on loopback against DNS rebinding (a web page whose domain resolves to
   * 127.0.0.1 reading it from the user's browser). `serveDashboard()` on a loopback address
   * sets `['127.0.0.1', 'localhost', '[::1]']` unless given its own.
   * @defaultValue any host
   */
  allowedHosts?: readonly string[];
  /**
   * What `GET /metrics` serves: a prom-client registry in which you registered the breakers'
   * metrics (`registerBreakerMetrics()` of `@breakwater/prometheus`), or `false` for no
   * `/metrics` route (404).
   * @defaultValue a private prom-client registry with `registerBreakerMetrics({ registry })`,
   * created at the first scrape when `prom-client` is installed (501 otherwise)
   */
  metrics?: MetricsSource | false;
  /**
   * The path the handler is mounted at when the server passes it full paths (plain `node:http`);
   * leave it out when the framework strips the mount path (Express' `app.use('/ops', handler)`).
   * @defaultValue `''`
   */
  basePath?: string;
  /**
   * How often `GET /events` sends every breaker's figures (for the page's charts), in ms, while
   * at least one client listens.
   * @defaultValue `1_000`
   */
  sampleIntervalMs?: number;
  /**
   * The most breakers each `GET /events` sample (and the page) shows: those not closed first,
   * then closed ones by name. `GET /circuit-breakers` lists them all unless given `?limit=`.
   * @defaultValue `200`
   */
  maxLiveBreakers?: number;
  /**
   * The most `GET /events` streams open at once; more get 503.
   * @defaultValue `32`
   */
  maxEventClients?: number;
  /**
   * The clock of the event stream's samples and timestamps.
   * @defaultValue the system clock
   */
  clock?: Clock;
}

/** {@link DashboardOptions} validated, with defaults applied. */
export interface ResolvedDashboardOptions {
  readonly registry: BreakerRegistry;
  readonly monitor: HealthMonitor | undefined;
  /** The token's SHA-256, or `undefined` when mutations are refused. */
  readonly tokenDigest: Buffer | undefined;
  readonly readOnly: boolean;
  readonly maxBodyBytes: number;
  readonly corsOrigins: ReadonlySet<string>;
  /** Lower-case host names, or `undefined` for any. */
  readonly allowedHosts: ReadonlySet<string> | undefined;
  readonly metrics: MetricsSource | false | undefined;
  readonly basePath: string;
  readonly sampleIntervalMs: number;
  readonly maxLiveBreakers: number;
  readonly maxEventClients: number;
  readonly clock: Clock;
}

const known: KnownKeys<DashboardOptions> = {
  registry: true,
  monitor: true,
  token: true,
  readOnly: true,
  maxBodyBytes: true,
  corsOrigins: true,
  allowedHosts: true,
  metrics: true,
  basePath: true,
  sampleIntervalMs: true,
  maxLiveBreakers: true,
  maxEventClients: true,
  clock: true,
};

/** The shortest token accepted: a guessable one would make the bearer check decorative. */
export const minTokenLength = 16;

/**
 * Validates the options of {@link dashboardHandler}.
 * @throws BreakwaterConfigError naming the option, what is allowed and what was received (never
 * the token itself)
 */
export function resolveDashboardOptions(
  options: unknown,
  digest: (token: string) => Buffer,
): ResolvedDashboardOptions {
  if (options === undefined) options = {};
  expectObject('options', options);
  rejectUnknownKeys('', options, known);
  const o = options as DashboardOptions;
  return Object.freeze({
    registry: resolveRegistry(o.registry),
    monitor: resolveMonitor(o.monitor),
    tokenDigest: o.token === undefined ? undefined : digest(resolveToken(o.token)),
    readOnly: o.readOnly === undefined ? false : expectBoolean('readOnly', o.readOnly),
    maxBodyBytes: expectInteger('maxBodyBytes', o.maxBodyBytes ?? 16_384, 2, 10 * 1024 * 1024),
    corsOrigins: resolveOrigins(o.corsOrigins),
    allowedHosts: resolveHosts(o.allowedHosts),
    metrics: resolveMetrics(o.metrics),
    basePath: resolveBasePath(o.basePath),
    sampleIntervalMs: expectNumber('sampleIntervalMs', o.sampleIntervalMs ?? 1_000, 100, 3_600_000),
    maxLiveBreakers: expectInteger('maxLiveBreakers', o.maxLiveBreakers ?? 200, 1, 10_000),
    maxEventClients: expectInteger('maxEventClients', o.maxEventClients ?? 32, 1, 10_000),
    clock: o.clock === undefined ? systemClock : expectClock('clock', o.clock),
  });
}

function resolveToken(token: unknown): string {
  if (typeof token !== 'string' || token.length < minTokenLength || /\s/.test(token)) {
    // Never echo a token, however wrong: it may be a real one pasted into the wrong option.
    const received =
      typeof token === 'string' ? `a string of ${token.length} characters` : typeof token;
    const expected = `a string of at least ${minTokenLength} characters without whitespace`;
    const error = new BreakwaterConfigError('token', expected, undefined);
    error.message = `Invalid option \`token\`: expected ${expected}, received ${received}.`;
    throw error;
  }
  return token;
}

function resolveRegistry(value: unknown): BreakerRegistry {
  if (value === undefined) return defaultRegistry();
  if (hasMethods(value, ['list', 'peek', 'reset', 'resetAll', 'on', 'health'])) {
    return value as BreakerRegistry;
  }
  throw new BreakwaterConfigError('registry', 'a BreakerRegistry from @breakwater/core', value);
}

function resolveMonitor(value: unknown): HealthMonitor | undefined {
  if (value === undefined) return undefined;
  if (hasMethods(value, ['report', 'alerts', 'on'])) return value as HealthMonitor;
  throw new BreakwaterConfigError('monitor', 'a HealthMonitor', value);
}

function resolveMetrics(value: unknown): MetricsSource | false | undefined {
  if (value === undefined || value === false) return value;
  if (hasMethods(value, ['metrics']) && typeof (value as MetricsSource).contentType === 'string') {
    return value as MetricsSource;
  }
  throw new BreakwaterConfigError(
    'metrics',
    'a prom-client Registry (with contentType and metrics()), or false',
    value,
  );
}

function resolveOrigins(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  const valid =
    Array.isArray(value) &&
    value.every((origin) => {
      if (typeof origin !== 'string') return false;
      try {
        return new URL(origin).origin === origin;
      } catch {
        return false;
      }
    });
  if (!valid) {
    throw new BreakwaterConfigError(
      'corsOrigins',
      "an array of origins such as 'https://ops.example.com' (scheme, host and port only)",
      value,
    );
  }
  return new Set(value as string[]);
}

function resolveHosts(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (host) => typeof host === 'string' && /^(?:[\w.-]+|\[[0-9a-fA-F:.]+\])$/.test(host),
    );
  if (!valid) {
    throw new BreakwaterConfigError(
      'allowedHosts',
      "a non-empty array of host names without port, such as ['localhost', 'ops.example.com']",
      value,
    );
  }
  return new Set((value as string[]).map((host) => host.toLowerCase()));
}

function resolveBasePath(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || !/^\/[\w\-./~%]*[^/]$/.test(value)) {
    throw new BreakwaterConfigError(
      'basePath',
      "a path starting with '/' and not ending with one, such as '/ops'",
      value,
    );
  }
  return value;
}

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}
