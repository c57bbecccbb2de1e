'use strict';
// The same shim for the repository's `@breakwater/source` condition: it loads the TypeScript
// sources, which Node 24 runs directly (type stripping), so tests need no build.
module.exports = require('../src/index.ts').default;
