import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers one route; `params` are the decoded path parameters. Not part of the public API. */
export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  params: readonly string[],
) => unknown;

/** A route's methods. */
export interface RouteTable {
  readonly GET?: Route;
  readonly POST?: Route;
  readonly PUT?: Route;
}

/** A path matched to a route, with its parameters. */
export interface RouteMatch {
  readonly table: RouteTable;
  readonly params: readonly string[];
}
