/**
 * The CommonJS flavour's types: `require('@breakwater/opossum')` is the class itself
 * (`export =`), with the `CircuitBreaker.*` types, as `@types/opossum` declares opossum.
 */
import CircuitBreaker = require('@breakwater/opossum');
import type Opossum = require('opossum');

const breaker = new CircuitBreaker(async (id: string) => id.length, { timeout: 1000 });
const length: Promise<number> = breaker.fire('x');
const options: CircuitBreaker.Options = { timeout: false, resetTimeout: 30_000 };
const stats: CircuitBreaker.Stats = breaker.stats;
const isOurs: boolean = CircuitBreaker.isOurError(new Error());
const status: CircuitBreaker.Status = CircuitBreaker.newStatus({ rollingCountBuckets: 10 });
const asTheirs: Opossum<[string], number> = breaker;
breaker.on('halfOpen', (resetTimeout: number) => resetTimeout);
// @ts-expect-error: the arguments are the action's
breaker.fire(1);

export = [length, options, stats, isOurs, status, asTheirs];
