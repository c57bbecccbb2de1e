// What the opossum README's `options.breakwater` fragment assumes: a function calling an API.
declare function callKraken(path: string): Promise<unknown>;
