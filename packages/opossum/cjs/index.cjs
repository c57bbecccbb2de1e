'use strict';
// `require('@breakwater/opossum')` returns the class itself, as `require('opossum')` does.
// The package is ESM; Node >= 20.19 loads it with require(esm), so there is one copy of the code
// (no dual-package hazard) and `require` gets the module's default export, not its namespace.
module.exports = require('../dist/index.js').default;
