import { type ClassifierRule, failure } from '@breakwater/core';
import { responseOf } from '../shared/responseOf.ts';
import { untilMs } from '../shared/untilMs.ts';
import { readSystemStatus } from './readSystemStatus.ts';
import type { StatusSource } from './StatusSource.ts';

/** The longest announced maintenance taken as a wait; a later end time is garbage. */
const maxMaintenanceMs = 7 * 24 * 3_600_000;

/**
 * A rule for a preset's own status endpoint: an answer that says the exchange is down for
 * maintenance (HTTP 200) is a `maintenance` failure, waiting until the announced end, which is
 * what the `…SystemStatus()` check reports for the same answer. It needs the call context's
 * endpoint name, which a preset sets. Not part of the public API.
 */
export function statusRule(source: StatusSource): ClassifierRule {
  return (outcome, ctx, nowMs) => {
    if (ctx?.endpoint === undefined || !ctx.endpoint.endsWith(source.path)) return undefined;
    const response = responseOf(outcome);
    if (response === undefined || response.body === undefined) return undefined;
    const status = readSystemStatus(source, response.body);
    if (status.health !== 'maintenance') return undefined;
    const wait = untilMs(status.maintenanceUntil, nowMs, maxMaintenanceMs);
    return wait === undefined
      ? failure('maintenance')
      : failure('maintenance', { retryAfterMs: wait });
  };
}
