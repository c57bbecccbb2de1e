import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDemoOptions } from '../src/options.ts';
import { type DemoSummary, total } from '../src/report.ts';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');
const run = promisify(execFile);

/** Runs the demo as `npm run demo` does, off a terminal, and returns what it printed. */
async function demo(...args: string[]): Promise<{ stdout: string; summary: DemoSummary }> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=@breakwater/source', main, '--json', ...args],
    { timeout: 90_000, env: { ...process.env, FORCE_COLOR: '0' } },
  );
  const json = stdout.trimEnd().split('\n').at(-1) ?? '';
  return { stdout, summary: JSON.parse(json) as DemoSummary };
}

describe('npm run demo', () => {
  // The 60 s story played in 20 s. Played faster, a loaded machine (CI runs other test files
  // beside this one) cannot send what the bare bot asks for in time, and the comparison
  // becomes a measure of the machine instead of the bots.
  it('ends by itself with Breakwater banned nowhere, no order sent twice, and a fifth of the requests', async () => {
    const { stdout, summary } = await demo('--duration', '20');
    const { breakwater, bare } = summary;

    expect(total(breakwater, 'bans')).toBe(0);
    expect(total(breakwater, 'ordersSentTwice')).toBe(0);
    expect(summary.failingRequestRatio).toBeLessThanOrEqual(0.2);

    // The same timeline without Breakwater: what the comparison is against.
    expect(total(bare, 'bans')).toBeGreaterThan(0);
    expect(total(bare, 'ordersSentTwice')).toBeGreaterThan(0);
    expect(bare.recoveryMs.binance).toBeUndefined(); // still banned at the end

    // Plain lines off a terminal: no escape codes, every incident announced, the summary.
    expect(stdout).not.toContain('\u001b[');
    expect(stdout).toContain('▶ Kraken 5xx storm');
    expect(stdout).toContain('Breakwater: binance:sim closed → open');
    expect(stdout).toMatch(/Breakwater sent \d+ % of the bare bot's requests/);
  }, 100_000);

  it('explains a bad --duration and what is allowed', () => {
    expect(() => parseDemoOptions(['--duration', 'soon'])).toThrow(
      '--duration must be a number of seconds from 2 to 600, got "soon"',
    );
    expect(() => parseDemoOptions(['--durtion', '5'])).toThrow(/--durtion/);
    expect(parseDemoOptions([], {})).toMatchObject({ durationS: 60, redis: false });
  });
});
