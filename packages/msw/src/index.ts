/**
 * @breakwater/msw: ready-made failure scenarios and chaos experiments for testing Breakwater
 * with MSW (Mock Service Worker).
 *
 * Extension points: MSW's response resolvers (`http.get(url, resolver)`), the `connection`
 * listener of `ws.link(url)`, and `server.use()` to inject handlers. MSW is a peer dependency.
 */

// --- chaos experiments ---
export {
  allOf,
  anyOf,
  check,
  closesWithin,
  type FailureRateOptions,
  failureRateBelow,
  maxRequestsWhileOpen,
  opensWithin,
  staysClosed,
} from './chaos/hypothesis.ts';
export type { FaultInjection, FaultMethod } from './chaos/injectFaults.ts';
export type {
  ExperimentOptions,
  FaultServer,
  LoadProfile,
} from './chaos/resolveExperimentOptions.ts';
export { runExperiment } from './chaos/runExperiment.ts';
export type {
  CallOutcome,
  CallRecord,
  CallSummary,
  Check,
  CheckOutcome,
  CheckResult,
  EmergencyStop,
  ExperimentRecord,
  ExperimentReport,
  FaultWindow,
  HitRecord,
  HitSummary,
  ObservedBreaker,
  TransitionRecord,
} from './chaos/types.ts';
// --- HTTP faults ---
export { connectionError } from './http/connectionError.ts';
export { HitCounter } from './http/counters.ts';
export { type ErrorBodyOptions, errorBody } from './http/errorBody.ts';
export { type FailRandomlyOptions, failRandomly } from './http/failRandomly.ts';
export { type FailTimesOptions, failTimes } from './http/failTimes.ts';
export { hang } from './http/hang.ts';
export { type LatencyOptions, type LatencySpec, latency } from './http/latency.ts';
export {
  type MaintenanceWindowOptions,
  maintenanceWindow,
} from './http/maintenanceWindow.ts';
export { type SequenceOptions, type SequenceStep, sequence } from './http/sequence.ts';
export { type RetryAfter, type StatusStormOptions, statusStorm } from './http/statusStorm.ts';
export type { FallThroughOptions, Fault, FaultInfo } from './http/types.ts';
export type { RandomOptions } from './internal/randomSource.ts';
// --- WebSocket faults ---
export {
  type WsConnectionListener,
  type WsFaultOptions,
  type WsPingFault,
  wsFaults,
} from './ws/wsFaults.ts';
