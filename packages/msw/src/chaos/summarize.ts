import type { Category } from '@breakwater/core';
import { isOpen } from './hypothesis.ts';
import type {
  CallSummary,
  Check,
  CheckOutcome,
  EmergencyStop,
  ExperimentRecord,
  ExperimentReport,
  HitSummary,
} from './types.ts';

/** Evaluates the hypothesis on the finished record and builds the report. Not public API. */
export function summarize(
  name: string,
  record: ExperimentRecord,
  hypothesis: readonly Check[],
  stop: EmergencyStop | undefined,
): ExperimentReport {
  const checks: CheckOutcome[] = hypothesis.map((item) => ({
    description: item.description,
    ...item.evaluate(record),
  }));
  const reasons = [
    ...(stop === undefined ? [] : [`emergency stop at ${stop.atMs} ms: ${stop.reason}`]),
    ...checks.filter((item) => !item.ok).map((item) => `${item.description}: ${item.reason}`),
  ];
  return {
    name,
    passed: reasons.length === 0,
    reasons,
    checks,
    stop,
    durationMs: record.elapsedMs,
    calls: summarizeCalls(record),
    serverHits: summarizeHits(record),
    timeline: record.transitions,
    record,
  };
}

function summarizeCalls(record: ExperimentRecord): CallSummary {
  const count = { success: 0, failure: 0, ignored: 0, rejected: 0, abandoned: 0 };
  const failuresByCategory: Partial<Record<Category, number>> = {};
  for (const call of record.calls) {
    count[call.outcome]++;
    if (call.outcome === 'failure' && call.category !== undefined) {
      failuresByCategory[call.category] = (failuresByCategory[call.category] ?? 0) + 1;
    }
  }
  return {
    total: record.calls.length,
    succeeded: count.success,
    failed: count.failure,
    ignored: count.ignored,
    rejected: count.rejected,
    abandoned: count.abandoned,
    failuresByCategory,
  };
}

function summarizeHits(record: ExperimentRecord): HitSummary {
  const byFault: Record<string, number> = {};
  for (const fault of record.faults) byFault[fault.name] = 0;
  let whileOpen = 0;
  for (const hit of record.hits) {
    byFault[hit.fault] = (byFault[hit.fault] ?? 0) + 1;
    if (isOpen(hit.state)) whileOpen++;
  }
  return { total: record.hits.length, whileOpen, byFault };
}
