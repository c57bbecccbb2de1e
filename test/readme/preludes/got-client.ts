// What the got README's fragments assume: an instance extended with `breakerHooks`, the registry
// it uses, a URL, its origin and a JSON body.
declare const client: import('got').Got;
declare const registry: import('@breakwater/core').BreakerRegistry;
declare const url: string;
declare const origin: string;
declare const json: Record<string, unknown>;
