import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** How a program run ended. */
export interface RunResult {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly output: string;
}

/**
 * Runs `args` with this Node, from source (`--conditions=@breakwater/source`; Node strips the
 * types of `.ts` files itself), in `cwd`. A program that has not exited after `timeoutMs` is
 * killed: a README program must end on its own, leaving no server, timer or socket behind.
 */
export function runNode(
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@breakwater/source', ...args], {
      cwd,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output });
    });
  });
}

/**
 * Runs the Vitest blocks in `dir` with Vitest itself, in a child process with a config of
 * their own (the repository's config includes only the packages' tests).
 */
export function runVitest(dir: string, timeoutMs: number): Promise<RunResult> {
  const conditions = ['@breakwater/source', 'module', 'node', 'import', 'default'];
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    `export default ${JSON.stringify({
      resolve: { conditions },
      ssr: { resolve: { conditions } },
      test: { root: dir, include: ['*.vitest.ts'], reporters: ['default'] },
    })};\n`,
  );
  const require = createRequire(import.meta.url);
  const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  return runNode([vitest, 'run', '--config', join(dir, 'vitest.config.mjs')], dir, timeoutMs);
}

/**
 * The test's environment without what Vitest sets for its own workers (a child Vitest would take
 * itself for one) and without `NODE_OPTIONS`, and without colours in the output we show.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('VITEST') && name !== 'NODE_OPTIONS' && name !== 'FORCE_COLOR') {
      env[name] = value;
    }
  }
  return env;
}
