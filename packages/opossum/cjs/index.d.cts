// The CommonJS view of the package's types: `export =` the class, as `@types/opossum` declares
// opossum, so `import CircuitBreaker = require('@breakwater/opossum')` and
// `CircuitBreaker.Options` type-check as they did.
import CircuitBreaker from '../dist/index.js';
export = CircuitBreaker;
