// A Jest transformer that erases TypeScript types with Node's built-in `stripTypeScriptTypes`,
// the same type stripping Node applies to .ts files: Breakwater's sources use erasable syntax
// only, so no compiler is needed.
import { stripTypeScriptTypes } from 'node:module';

export default {
  process(source) {
    return { code: stripTypeScriptTypes(source, { mode: 'strip' }) };
  },
};
