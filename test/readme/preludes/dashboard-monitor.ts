declare const monitor: import('@breakwater/dashboard').HealthMonitor;
declare const registry: import('@breakwater/core').BreakerRegistry;
