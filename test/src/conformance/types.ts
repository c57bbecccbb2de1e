import type { HookBreakerOptions, HookRequestOptions } from '@breakwater/core/adapter';

/** What the suite asks of one request. */
export interface DriverRequestOptions {
  /** @defaultValue `'GET'` */
  readonly method?: 'GET' | 'POST' | 'DELETE';
  /** The caller's signal: pass it to the client's own `signal` option. */
  readonly signal?: AbortSignal;
  /** Per-request Breakwater options: pass them where the adapter reads them. */
  readonly breakwater?: HookRequestOptions;
  /**
   * The client's own timeout for this request, in ms (fetch: `AbortSignal.timeout()`; axios
   * `timeout`; got `timeout.request`; ky `timeout`). Short (≤ 50 ms), against `/hang`.
   */
  readonly timeoutMs?: number;
}

/** A response as the suite sees it. */
export interface DriverResponse {
  readonly status: number;
  /**
   * The body the caller read: parsed JSON for JSON responses, the text otherwise. The suite
   * compares it with what the server sent, to prove body rules left it intact.
   */
  readonly body: unknown;
}

/** One client, wrapped with Breakwater, as a scenario uses it. */
export interface DriverClient {
  /**
   * Makes one request. Resolves with the status and body of **any** HTTP response, 4xx and 5xx
   * included (turn off the client's "throw on HTTP errors", or catch its HTTP error and return its
   * response). Rejects with whatever the client rejects with otherwise: a `BreakerOpenError`
   * (possibly wrapped in the client's error, with the original in its `cause` chain), an abort,
   * a timeout, a network error.
   */
  request(url: string, options?: DriverRequestOptions): Promise<DriverResponse>;
  /** Frees what the client holds (agents, sockets); called after each scenario. */
  close?(): void | Promise<void>;
}

/** How the client itself is set up for a scenario. */
export interface ClientSetup {
  /**
   * Retries the client makes after the first attempt: `0` turns the client's retry off. When
   * above 0, retry GET requests on 5xx responses and network errors, with no delay (or the
   * shortest the client allows: the suite waits for it in real time).
   * @defaultValue `0`
   */
  readonly retryLimit?: number;
}

/**
 * Abstracts one HTTP client for `runConformance()`, so every adapter runs the same scenarios.
 *
 * @example
 * ```ts
 * const fetchDriver: Driver = {
 *   name: 'fetch',
 *   supportsClientRetry: true,
 *   create(options, { retryLimit = 0 } = {}) {
 *     const fetch = withBreaker(globalThis.fetch, { ...options, retry: … });
 *     return { request: async (url, o = {}) => { … } };
 *   },
 * };
 * ```
 */
export interface Driver {
  /** Names the suite: `conformance: <name>`. */
  readonly name: string;
  /**
   * Whether the client has a retry of its own the suite can turn on with
   * {@link ClientSetup.retryLimit} (fetch: `withBreaker`'s `retry` option). Without one, the
   * client-retry scenario is not defined for this client.
   */
  readonly supportsClientRetry: boolean;
  /**
   * Whether a request can carry per-request Breakwater options
   * ({@link DriverRequestOptions.breakwater}). `false` for a client that builds the requests the
   * adapter sees itself (the global `fetch` under the undici interceptor): the per-request
   * scenario is then not defined for it.
   * @defaultValue `true`
   */
  readonly supportsRequestOptions?: boolean;
  /**
   * Creates a client wrapped with Breakwater, passing `options` to the adapter unchanged (they
   * carry the scenario's registry, clock and rules).
   */
  create(options: HookBreakerOptions, setup?: ClientSetup): DriverClient;
}
