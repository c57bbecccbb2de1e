// What the msw README's fragments assume: the complete test's server, clock, URL, breaker and
// client, the toolkit's builders and checks, Vitest's `expect`, and the times and URL a fault
// is given.
declare const server: import('msw/node').SetupServer;
declare const clock: import('@breakwater/core').ManualClock;
declare const breaker: import('@breakwater/core').CircuitBreaker;
declare const ticker: string;
declare const url: string;
declare const start: number;
declare const end: number;
declare function getPrice(signal?: AbortSignal): Promise<unknown>;
declare const expect: typeof import('vitest').expect;
declare const http: typeof import('msw').http;
declare const failTimes: typeof import('@breakwater/msw').failTimes;
declare const failRandomly: typeof import('@breakwater/msw').failRandomly;
declare const statusStorm: typeof import('@breakwater/msw').statusStorm;
declare const latency: typeof import('@breakwater/msw').latency;
declare const hang: typeof import('@breakwater/msw').hang;
declare const connectionError: typeof import('@breakwater/msw').connectionError;
declare const maintenanceWindow: typeof import('@breakwater/msw').maintenanceWindow;
declare const errorBody: typeof import('@breakwater/msw').errorBody;
declare const sequence: typeof import('@breakwater/msw').sequence;
declare const HitCounter: typeof import('@breakwater/msw').HitCounter;
declare const runExperiment: typeof import('@breakwater/msw').runExperiment;
declare const opensWithin: typeof import('@breakwater/msw').opensWithin;
declare const maxRequestsWhileOpen: typeof import('@breakwater/msw').maxRequestsWhileOpen;
declare const closesWithin: typeof import('@breakwater/msw').closesWithin;
declare const failureRateBelow: typeof import('@breakwater/msw').failureRateBelow;
