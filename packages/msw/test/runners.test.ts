import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `@breakwater/msw` must work under node:test and Jest as well as Vitest. Both run here as child
 * processes on the toolchain's Node (`process.execPath`), so CI's one Vitest result covers them.
 */

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const runners = join(packageDir, 'test/runners');

interface Run {
  readonly code: number | null;
  readonly output: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: packageDir, timeout: 50_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/**
 * Each runner starts in a child process (Jest takes 2–3 s on a quiet machine, several times that
 * on a loaded one): the limit only guards against a hang, nothing here measures speed.
 */
const runnerTimeoutMs = 60_000;

describe('other test runners', () => {
  it(
    'passes under node:test',
    async () => {
      const result = await run([
        '--conditions=@breakwater/source',
        '--test',
        '--test-reporter=spec',
        join(runners, 'nodeTest.check.ts'),
      ]);
      expect(result.output).toMatch(/ℹ pass 2\b/);
      expect(result.output).toMatch(/ℹ fail 0\b/);
      expect(result.code).toBe(0);
    },
    runnerTimeoutMs,
  );

  it(
    'passes under Jest',
    async () => {
      const jest = createRequire(join(packageDir, 'package.json')).resolve('jest/bin/jest');
      const result = await run([
        '--experimental-vm-modules',
        jest,
        '--config',
        join(runners, 'jest.config.mjs'),
        '--ci',
      ]);
      expect(result.output).toMatch(/Tests:\s+2 passed, 2 total/);
      expect(result.code).toBe(0);
    },
    runnerTimeoutMs,
  );
});
