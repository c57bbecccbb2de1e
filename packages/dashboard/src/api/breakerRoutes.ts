import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CircuitBreaker, isBreakwaterConfigError } from '@breakwater/core';
import { breakerConfigView, breakerView } from './breakerView.ts';
import { readJsonBody, sendError, sendJson } from './http.ts';
import { parseBreakerConfig } from './parseBreakerConfig.ts';
import type { ResolvedDashboardOptions } from './resolveDashboardOptions.ts';
import type { Route, RouteMatch, RouteTable } from './routes.ts';
import { selectBreakers } from './selectBreakers.ts';

/**
 * The `/circuit-breakers` routes: list, show, reset, force open, disable, reset all, and
 * settings. Given the path segments after `circuit-breakers`, returns the methods of the route
 * and its parameters (the decoded breaker name), or `undefined` for no such route. A breaker is
 * looked up with `peek()`: no route creates one. Not part of the public API.
 */
export function breakerRoutes(
  o: ResolvedDashboardOptions,
): (segments: readonly string[]) => RouteMatch | undefined {
  const actions: Record<string, RouteTable> = {
    // Through the registry: a registry that is not `enabled` keeps its breakers disabled.
    reset: { POST: (_req, res, [name]) => act(res, name!, () => o.registry.reset(name!)) },
    'force-open': { POST: (_req, res, [name]) => act(res, name!, (b) => b.forceOpen()) },
    disable: { POST: (_req, res, [name]) => act(res, name!, (b) => b.disable()) },
    config: {
      GET: (_req, res, [name]) => {
        const breaker = o.registry.peek(name!);
        if (breaker === undefined) return notFound(res, name!);
        sendJson(res, 200, { name, config: breakerConfigView(breaker) });
      },
      PUT: async (req, res, [name]) => {
        if (o.registry.peek(name!) === undefined) {
          req.resume();
          return notFound(res, name!);
        }
        const body = await readJsonBody(req, o.maxBodyBytes);
        if (!body.ok) return sendError(res, body.error.status, body.error.code, body.error.message);
        const parsed = parseBreakerConfig(body.value);
        if (!parsed.ok) return sendError(res, 400, 'invalid_config', parsed.message);
        try {
          if (!o.registry.reconfigure(name!, parsed.value)) return notFound(res, name!);
        } catch (error) {
          if (!isBreakwaterConfigError(error)) throw error;
          return sendJson(res, 400, {
            error: 'invalid_config',
            message: error.message,
            option: error.option,
          });
        }
        const breaker = o.registry.peek(name!)!;
        sendJson(res, 200, { name, config: breakerConfigView(breaker) });
      },
    },
  };

  /** Runs a manual action on an existing breaker (never creates one) and answers with its view. */
  function act(
    res: ServerResponse,
    name: string,
    action: (breaker: CircuitBreaker) => unknown,
  ): void {
    const breaker = o.registry.peek(name);
    if (breaker === undefined) {
      notFound(res, name);
      return;
    }
    action(breaker);
    sendJson(res, 200, breakerView(breaker.snapshot()));
  }

  const show: Route = (_req, res, [name]) => {
    const breaker = o.registry.peek(name!);
    if (breaker === undefined) return notFound(res, name!);
    sendJson(res, 200, { ...breakerView(breaker.snapshot()), config: breakerConfigView(breaker) });
  };

  const resetAll: Route = (_req, res) => {
    o.registry.resetAll();
    sendJson(res, 200, { reset: o.registry.size });
  };

  function list(req: IncomingMessage, res: ServerResponse): void {
    const limit = new URL(req.url ?? '/', 'http://x').searchParams.get('limit');
    if (limit === null) {
      const breakers = o.registry.list().map(breakerView);
      sendJson(res, 200, { at: o.clock.now(), total: breakers.length, breakers });
      return;
    }
    const count = Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      sendError(res, 400, 'bad_limit', 'limit must be an integer from 1 to 10000.');
      return;
    }
    sendJson(res, 200, selectBreakers(o.registry, count, o.clock.now()));
  }

  return (segments) => {
    const [name, action] = segments;
    if (name === undefined) return { table: { GET: list }, params: [] };
    if (name === '' || segments.length > 2) return undefined;
    if (action === undefined) {
      // POST /circuit-breakers/reset-all; GET of that path is still a breaker of that name.
      return {
        table: name === 'reset-all' ? { GET: show, POST: resetAll } : { GET: show },
        params: [name],
      };
    }
    const table = Object.hasOwn(actions, action) ? actions[action] : undefined;
    return table === undefined ? undefined : { table, params: [name] };
  };
}

function notFound(res: ServerResponse, name: string): void {
  sendError(res, 404, 'unknown_breaker', `No breaker named ${JSON.stringify(name.slice(0, 200))}.`);
}
