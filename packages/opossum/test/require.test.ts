import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs a CommonJS script in a fresh Node, resolving the package as the repository does. */
async function node(script: string): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=@breakwater/source', '--input-type=commonjs', '-e', script],
    { cwd: packageDir },
  );
  return JSON.parse(stdout);
}

describe('CommonJS', () => {
  it("require() returns the class itself, as require('opossum') does", async () => {
    const result = await node(`
      const CircuitBreaker = require('@breakwater/opossum');
      const breaker = new CircuitBreaker(async (n) => n * 2, { timeout: false });
      breaker.fire(21).then((value) => {
        breaker.shutdown();
        console.log(JSON.stringify({
          type: typeof CircuitBreaker,
          name: CircuitBreaker.name,
          isOurError: typeof CircuitBreaker.isOurError,
          newStatus: typeof CircuitBreaker.newStatus,
          default: typeof CircuitBreaker.default,
          value,
        }));
      });
    `);
    expect(result).toEqual({
      type: 'function',
      name: 'CircuitBreaker',
      isOurError: 'function',
      newStatus: 'function',
      default: 'undefined',
      value: 42,
    });
  });

  it('require() and import() give the same class: one copy, no dual-package hazard', async () => {
    const result = await node(`
      const CircuitBreaker = require('@breakwater/opossum');
      import('@breakwater/opossum').then(({ default: Imported }) => {
        console.log(JSON.stringify(Imported === CircuitBreaker));
      });
    `);
    expect(result).toBe(true);
  });
});
