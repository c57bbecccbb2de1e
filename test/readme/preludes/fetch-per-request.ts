// What the fetch README's per-request fragment assumes: the `kraken` wrapper built above it,
// and a search API reached through another wrapper with `retry` on.
declare const kraken: import('@breakwater/fetch').BreakerFetch;
declare const url: string;
declare const search: import('@breakwater/fetch').BreakerFetch;
declare const searchUrl: string;
declare const query: string;
