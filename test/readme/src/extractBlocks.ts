import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a README's TypeScript block is, as its marker says:
 * - `run`: a complete program; type-checked, then run with Node from source. It must exit 0 on
 *   its own, so it starts (and closes) any server it talks to, and it asserts what it claims;
 * - `vitest`: a complete Vitest test file; type-checked, then run with Vitest;
 * - `typecheck`: type-checked only (it talks to a real exchange, waits for a signal, writes
 *   files, or is a fragment), with the declarations it assumes taken from a prelude.
 */
export type BlockMode = 'run' | 'vitest' | 'typecheck';

/** One ```ts block of a README, with what its marker says about it. */
export interface ReadmeBlock {
  /** The README, relative to the repository root (`packages/fetch/README.md`). */
  readonly readme: string;
  /** 1-based line of the block's first line of code in the README. */
  readonly line: number;
  readonly mode: BlockMode;
  /** The prelude's name (`test/readme/preludes/<name>.ts`), for `typecheck` blocks. */
  readonly prelude: string | undefined;
  readonly code: string;
}

/** A marker or fence the harness cannot read: a test failure, with where to fix it. */
export interface MarkerProblem {
  readonly readme: string;
  readonly line: number;
  readonly message: string;
}

/**
 * The marker, on the line right before the fence:
 * `<!-- readme-test: run -->`, `<!-- readme-test: vitest -->`,
 * `<!-- readme-test: typecheck -->` or `<!-- readme-test: typecheck prelude=<name> -->`.
 */
const markerPattern = /^<!--\s*readme-test:\s*(.*?)\s*-->$/;
const modes: readonly BlockMode[] = ['run', 'vitest', 'typecheck'];

/** The READMEs whose blocks are checked: the root's and every package's. */
export function findReadmes(root: string): string[] {
  const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `packages/${entry.name}/README.md`)
    .filter((readme) => existsSync(join(root, readme)))
    .sort();
  return ['README.md', ...packages];
}

/** Every ```ts block of `readme`, and every problem with its markers. */
export function extractBlocks(
  root: string,
  readme: string,
  preludesDir: string,
): { blocks: ReadmeBlock[]; problems: MarkerProblem[] } {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  const problems: MarkerProblem[] = [];
  const problem = (line: number, message: string) => problems.push({ readme, line, message });
  for (let index = 0; index < lines.length; index++) {
    const fence = lines[index]!.trim();
    if (!fence.startsWith('```')) continue;
    const end = lines.findIndex((text, at) => at > index && text.trim() === '```');
    if (end === -1) {
      problem(index + 1, 'a code fence that is never closed');
      break;
    }
    const marker = markerPattern.exec(lines[index - 1]?.trim() ?? '');
    if (fence === '```ts') {
      const parsed = parseMarker(marker?.[1], preludesDir);
      if (typeof parsed === 'string') problem(index + 1, parsed);
      else {
        const code = lines.slice(index + 1, end).join('\n');
        blocks.push({ readme, line: index + 2, ...parsed, code });
      }
    } else if (marker !== null) {
      problem(index, `a readme-test marker before a \`${fence}\` block: only \`\`\`ts is checked`);
    }
    index = end;
  }
  return { blocks, problems };
}

function parseMarker(
  text: string | undefined,
  preludesDir: string,
): Pick<ReadmeBlock, 'mode' | 'prelude'> | string {
  const usage =
    'put `<!-- readme-test: run | vitest | typecheck [prelude=<name>] -->` on the line before ' +
    'the block (see test/readme/README.md)';
  if (text === undefined) return `a \`\`\`ts block without a readme-test marker: ${usage}`;
  const [mode, ...options] = text.split(/\s+/);
  if (!modes.includes(mode as BlockMode)) return `unknown readme-test mode "${mode}": ${usage}`;
  let prelude: string | undefined;
  for (const option of options) {
    const match = /^prelude=([\w-]+)$/.exec(option);
    if (match === null) return `unknown readme-test option "${option}": ${usage}`;
    prelude = match[1];
  }
  if (prelude !== undefined && mode !== 'typecheck') {
    return `a ${mode} block is a complete program and takes no prelude: drop prelude=${prelude}`;
  }
  if (prelude !== undefined && !existsSync(join(preludesDir, `${prelude}.ts`))) {
    return `no prelude test/readme/preludes/${prelude}.ts`;
  }
  return { mode: mode as BlockMode, prelude };
}
