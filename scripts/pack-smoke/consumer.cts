// Compiled with consumer.ts (see scripts/packSmoke.mjs): the opossum drop-in as a CommonJS
// TypeScript user requires it, `import X = require(...)`, through the package's `require` types
// (`cjs/index.d.cts`). It must be the class itself, with the `CircuitBreaker.*` types.
import CircuitBreaker = require('@breakwater/opossum');

const breaker = new CircuitBreaker(async (pair: string) => pair.length, { timeout: 1_000 });
const result: Promise<number> = breaker.fire('XBTUSD');
const options: CircuitBreaker.Options = { resetTimeout: 30_000 };
const isOurs: boolean = CircuitBreaker.isOurError(new Error('x'));
// @ts-expect-error: the arguments are the action's, so the types really resolved
breaker.fire(42);

export = { result, options, isOurs };
