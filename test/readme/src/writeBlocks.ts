import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadmeBlock } from './extractBlocks.ts';

/** A README block written out as a module: its prelude (if any), its code, `export {}`. */
export interface GeneratedBlock {
  readonly block: ReadmeBlock;
  /** Absolute path of the generated module. */
  readonly file: string;
  /** Lines of prelude before the block's first line. */
  readonly preludeLines: number;
}

/**
 * Writes every block into `outDir` (emptied first) as `<readme>-L<line>.ts`, or
 * `<readme>-L<line>.vitest.ts` for Vitest blocks. The trailing `export {}` makes each one a
 * module of its own, so blocks never share a scope and top-level `await` works.
 */
export function writeBlocks(
  blocks: readonly ReadmeBlock[],
  preludesDir: string,
  outDir: string,
): GeneratedBlock[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return blocks.map((block) => {
    const prelude =
      block.prelude === undefined
        ? ''
        : readFileSync(join(preludesDir, `${block.prelude}.ts`), 'utf8').replace(/\n*$/, '\n');
    const name = `${slug(block.readme)}-L${block.line}${block.mode === 'vitest' ? '.vitest' : ''}.ts`;
    const file = join(outDir, name);
    writeFileSync(file, `${prelude}${block.code}\nexport {};\n`);
    return { block, file, preludeLines: prelude === '' ? 0 : prelude.split('\n').length - 1 };
  });
}

/** `packages/fetch/README.md` → `packages-fetch`, `README.md` → `root`. */
function slug(readme: string): string {
  const dir = readme.replace(/\/?README\.md$/, '');
  return dir === '' ? 'root' : dir.replaceAll('/', '-');
}

/** Where a line of a generated module comes from: the README, or the block's prelude. */
export function sourceOf(generated: GeneratedBlock, line: number): string {
  const { block, preludeLines } = generated;
  if (line <= preludeLines) return `test/readme/preludes/${block.prelude}.ts:${line}`;
  return `${block.readme}:${block.line + line - preludeLines - 1}`;
}
