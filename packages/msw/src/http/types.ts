import type {
  DefaultBodyType,
  HttpRequestResolverExtras,
  PathParams,
  ResponseResolverInfo,
} from 'msw';

/** What MSW hands a resolver: the request, its id, path params and cookies. */
export type FaultInfo = ResponseResolverInfo<
  HttpRequestResolverExtras<PathParams>,
  DefaultBodyType
>;

/**
 * A failure scenario: an MSW response resolver, used as `http.get(url, fault)`. It answers with
 * a `Response` (the failure), or with `undefined` to fall through to the next matching handler,
 * the way MSW resolvers do, so a fault added with `server.use()` sits in front of the handlers
 * a test already has and lets requests through once it has recovered.
 *
 * Every builder in `@breakwater/msw` returns one, and every option that takes a `Fault` (`with`,
 * `after`, `otherwise`, `sequence` steps) also takes a plain resolver of your own.
 *
 * @example
 * ```ts
 * server.use(http.get('https://api.example.com/ticker', failTimes(3)));
 * ```
 */
export type Fault = (info: FaultInfo) => Response | undefined | Promise<Response | undefined>;

/** Options that pick what answers when a fault is not failing. */
export interface FallThroughOptions {
  /**
   * Answers the requests this fault lets through.
   * @defaultValue none: the request falls through to the next matching handler
   */
  otherwise?: Fault;
}
