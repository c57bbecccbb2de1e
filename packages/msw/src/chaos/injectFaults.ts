import { BreakwaterConfigError } from '@breakwater/core';
import { expectFunction, expectNumber, expectString } from '@breakwater/core/adapter';
import { http, type RequestHandler } from 'msw';
import type { Fault } from '../http/types.ts';
import { readOptions } from '../internal/validate.ts';
import type { FaultWindow } from './types.ts';

/** HTTP methods a fault can target; `ALL` matches every method. */
export type FaultMethod = 'ALL' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A fault an experiment injects on a route for a period of its run. */
export interface FaultInjection {
  /**
   * Names the fault in the report.
   * @defaultValue `"<method> <path>"`
   */
  name?: string;
  /**
   * The request method it targets.
   * @defaultValue `'ALL'`
   */
  method?: FaultMethod;
  /** The route, as MSW matches it: a URL (with `*` and `:params`) or a RegExp. */
  path: string | RegExp;
  /** What answers while the fault is active: any builder (`statusStorm(503)`, `hang()`, …). */
  fault: Fault;
  /**
   * When it becomes active, in ms since the experiment started.
   * @defaultValue `0`
   */
  startMs?: number;
  /**
   * When it ends (the recovery), in ms since the start.
   * @defaultValue `Infinity`
   */
  endMs?: number;
}

/** What the installed handlers report to the experiment. Not part of the public API. */
export interface FaultHost {
  /** Milliseconds since the start, or `undefined` once the experiment is over. */
  elapsed(): number | undefined;
  /**
   * `request` reached `fault`. Faults on one route see the same request object in turn (each
   * lets it through to the next), so this is called once per fault it passes.
   */
  hit(request: Request, fault: FaultWindow, active: boolean): void;
}

const methods: readonly FaultMethod[] = [
  'ALL',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
];

/** Validates the faults and builds one MSW handler each. Not part of the public API. */
export function buildFaults(
  faults: readonly FaultInjection[],
  host: FaultHost,
): { windows: FaultWindow[]; handlers: RequestHandler[] } {
  if (!Array.isArray(faults) || faults.length === 0) {
    throw new BreakwaterConfigError('faults', 'a non-empty array of fault injections', faults);
  }
  const windows: FaultWindow[] = [];
  const handlers: RequestHandler[] = [];
  faults.forEach((item, i) => {
    const path = `faults[${i}]`;
    const raw = readOptions(path, item, {
      name: true,
      method: true,
      path: true,
      fault: true,
      startMs: true,
      endMs: true,
    });
    const method = (raw.method ?? 'ALL') as FaultMethod;
    if (!methods.includes(method)) {
      throw new BreakwaterConfigError(`${path}.method`, `one of ${methods.join(', ')}`, raw.method);
    }
    const route = raw.path;
    if (!(typeof route === 'string' && route.length > 0) && !(route instanceof RegExp)) {
      throw new BreakwaterConfigError(`${path}.path`, 'a URL pattern or a RegExp', route);
    }
    const fault = expectFunction<Fault>(`${path}.fault`, raw.fault);
    const startMs = expectNumber(`${path}.startMs`, raw.startMs ?? 0, 0);
    const endMs = expectNumber(`${path}.endMs`, raw.endMs ?? Infinity, 0, Infinity, true);
    if (endMs <= startMs)
      throw new BreakwaterConfigError(`${path}.endMs`, 'a time after startMs', endMs);
    const name =
      raw.name === undefined
        ? `${method} ${String(route)}`
        : expectString(`${path}.name`, raw.name);
    const window: FaultWindow = { name, startMs, endMs };
    windows.push(window);
    const register = method === 'ALL' ? http.all : http[method.toLowerCase() as 'get'];
    handlers.push(
      register(route, (info) => {
        const now = host.elapsed();
        // Over: let everything through, so leftover handlers change nothing after the run.
        if (now === undefined) return undefined;
        const active = now >= startMs && now < endMs;
        host.hit(info.request, window, active);
        return active ? fault(info) : undefined;
      }),
    );
  });
  return { windows, handlers };
}
