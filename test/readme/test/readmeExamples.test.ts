import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { extractBlocks, findReadmes, type ReadmeBlock } from '../src/extractBlocks.ts';
import { type RunResult, runNode, runVitest } from '../src/runBlocks.ts';
import { typecheckBlocks } from '../src/typecheckBlocks.ts';
import { type GeneratedBlock, writeBlocks } from '../src/writeBlocks.ts';

// Every ```ts block of every README (the root's and each package's) is type-checked, and those
// marked as complete programs are run: see test/readme/README.md for the markers.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const preludes = join(here, '..', 'preludes');
// One directory per run, so that two runs in one checkout do not overwrite each other's modules.
// It is removed when every block passed, and kept (git-ignored) to run one by hand otherwise.
const outDir = join(here, '..', '.blocks', String(process.pid));
let failed = false;
afterAll(() => {
  if (!failed) rmSync(outDir, { recursive: true, force: true });
});
const keepOnFailure = () =>
  onTestFailed(() => {
    failed = true;
  });

const extracted = findReadmes(root).map((readme) => extractBlocks(root, readme, preludes));
const problems = extracted.flatMap(({ problems }) => problems);
const generated = writeBlocks(
  extracted.flatMap(({ blocks }) => blocks),
  preludes,
  outDir,
);
const where = ({ block }: GeneratedBlock) => `${block.readme}:${block.line} (${block.mode})`;

/** Fails with the program's output, so the README line and the error show together. */
function expectExitedCleanly(result: RunResult, block: ReadmeBlock): void {
  const how = result.timedOut ? 'did not exit on its own' : `exited with ${result.code}`;
  expect(
    result.code === 0 && !result.timedOut,
    `${block.readme}:${block.line} ${how}:\n${result.output}`,
  ).toBe(true);
}

describe('README examples', () => {
  it('mark every TypeScript block as run, vitest or typecheck', () => {
    keepOnFailure();
    expect(problems.map((p) => `${p.readme}:${p.line}: ${p.message}`)).toEqual([]);
    expect(generated.length).toBeGreaterThan(0);
  });

  describe('type-check', () => {
    let errors: Map<GeneratedBlock, string[]>;
    beforeAll(() => {
      errors = typecheckBlocks(root, generated);
    }, 120_000);

    it.each(generated.map((block) => [where(block), block] as const))('%s', (_name, block) => {
      keepOnFailure();
      expect(errors.get(block)).toEqual([]);
    });
  });

  describe('run', () => {
    const programs = generated.filter(({ block }) => block.mode === 'run');
    it.concurrent.each(programs.map((block) => [where(block), block] as const))(
      '%s',
      async (_name, { block, file }) => {
        keepOnFailure();
        expectExitedCleanly(await runNode([file], outDir, 30_000), block);
      },
      35_000,
    );

    const tests = generated.filter(({ block }) => block.mode === 'vitest');
    it.runIf(tests.length > 0)(
      `vitest: ${tests.map(where).join(', ')}`,
      async () => {
        keepOnFailure();
        const result = await runVitest(outDir, 60_000);
        expectExitedCleanly(result, tests[0]!.block);
        expect(result.output).toMatch(new RegExp(`Test Files +${tests.length} passed`));
      },
      65_000,
    );
  });
});
