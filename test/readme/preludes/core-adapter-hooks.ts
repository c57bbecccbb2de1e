// What the core README's "Writing an adapter" fragment assumes: a client's request config, its
// response and error, as an adapter's hooks receive them.
declare const options: import('@breakwater/core').HttpBreakerOptions;
declare const config: {
  url: string;
  method: string;
  signal?: AbortSignal;
  breakwater?: import('@breakwater/core').BreakerRequestOptions;
};
declare const headers: Record<string, string>;
declare const res: { status: number; headers: Record<string, string>; data: unknown };
declare const error: unknown;
