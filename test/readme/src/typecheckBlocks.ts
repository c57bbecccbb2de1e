import { join } from 'node:path';
import ts from 'typescript';
import { type GeneratedBlock, sourceOf } from './writeBlocks.ts';

/**
 * Type-checks every generated block in one TypeScript program (one `tsc` per block would take
 * a second or more each), with the repository's compiler options: the packages resolve to their
 * sources through the `@breakwater/source` condition, as in the tests. Returns each block's
 * errors, located in its README (or prelude).
 */
export function typecheckBlocks(
  root: string,
  generated: readonly GeneratedBlock[],
): Map<GeneratedBlock, string[]> {
  const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), (path) => ts.sys.readFile(path));
  if (base.error !== undefined) throw new Error(flatten(base.error.messageText));
  const { options, errors } = ts.parseJsonConfigFileContent(base.config, ts.sys, root);
  if (errors.length > 0) throw new Error(errors.map((e) => flatten(e.messageText)).join('\n'));
  const program = ts.createProgram({
    rootNames: generated.map(({ file }) => file),
    options: {
      ...options,
      types: ['node'],
      noEmit: true,
      composite: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      incremental: false,
      skipLibCheck: true,
    },
  });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(global.map((d) => flatten(d.messageText)).join('\n'));
  const result = new Map<GeneratedBlock, string[]>();
  for (const block of generated) {
    const source = program.getSourceFile(block.file);
    if (source === undefined) throw new Error(`${block.file} is not in the program`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    result.set(
      block,
      diagnostics.map((diagnostic) => {
        const start = diagnostic.start ?? 0;
        const line = source.getLineAndCharacterOfPosition(start).line + 1;
        return `${sourceOf(block, line)}: TS${diagnostic.code}: ${flatten(diagnostic.messageText)}`;
      }),
    );
  }
  return result;
}

function flatten(message: string | ts.DiagnosticMessageChain): string {
  return ts.flattenDiagnosticMessageText(message, '\n  ');
}
