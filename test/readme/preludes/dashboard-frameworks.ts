declare const monitor: import('@breakwater/dashboard').HealthMonitor;
declare const registry: import('@breakwater/core').BreakerRegistry;
declare const token: string;
declare const app: import('node:http').RequestListener;
