/**
 * @breakwater/dashboard: a health monitor, a REST API and a live web page for Breakwater's
 * circuit breakers.
 *
 * - `HealthMonitor` runs health checks (`httpCheck()`, `systemStatusCheck()` for
 *   `@breakwater/exchanges`, `registryCheck()`, or any function) on their intervals, alerts
 *   after repeated failures, and sums them up as healthy, degraded or unhealthy;
 * - `dashboardHandler()` is a framework-agnostic `(req, res)` handler: health, Prometheus
 *   metrics, breakers to inspect and steer (bearer token), alerts, Server-Sent Events, and the
 *   page; `serveDashboard()` runs it on its own server on 127.0.0.1.
 */

export type { BreakerConfigView, BreakerView } from './api/breakerView.ts';
export { type DashboardHandler, dashboardHandler } from './api/dashboardHandler.ts';
export type { DashboardOptions, MetricsSource } from './api/resolveDashboardOptions.ts';
export {
  type DashboardServer,
  type ServeDashboardOptions,
  serveDashboard,
} from './api/serveDashboard.ts';
export { HealthMonitor } from './health/HealthMonitor.ts';
export {
  type HttpCheckFetch,
  type HttpCheckOptions,
  type HttpCheckResponse,
  httpCheck,
} from './health/httpCheck.ts';
export { registryCheck } from './health/registryCheck.ts';
export type { CheckOptions, HealthMonitorOptions } from './health/resolveHealthMonitorOptions.ts';
export { type SystemStatusLike, systemStatusCheck } from './health/systemStatusCheck.ts';
export type {
  Alert,
  AlertEvent,
  CheckFunction,
  CheckResult,
  CheckReturn,
  CheckState,
  HealthMonitorEvents,
  HealthReport,
  HealthStatus,
  RecoveryEvent,
  StatusChangeEvent,
} from './health/types.ts';
