import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { comparisonTable, runComparison } from './comparison.ts';

const readme = new URL('../../README.md', import.meta.url);

describe('the README comparison of strategies', () => {
  it('is what the scripted scenario gives, and ranks them as the README says', async () => {
    const rows = await runComparison();
    const table = comparisonTable(rows);
    const text = readFileSync(readme, 'utf8');
    const shown =
      /<!-- adaptive-comparison:start -->\n([\s\S]*?)\n<!-- adaptive-comparison:end -->/.exec(
        text,
      )?.[1];
    expect(shown).toBe(table);
    const by = Object.fromEntries(rows.map((row) => [row.name, row]));
    // The adaptive threshold sends no more to the failing dependency than a time window, and
    // loses fewer good calls; the throttle sends the most: it is for overload, not outages.
    expect(by['adaptive threshold']!.sentToFailing).toBeLessThan(by['time window']!.sentToFailing);
    expect(by['adaptive threshold']!.successfulLost).toBeLessThan(
      by['time window']!.successfulLost,
    );
    expect(by['SRE throttle']!.sentToFailing).toBeGreaterThan(by['time window']!.sentToFailing);
    expect(by['concurrency limit']!.recoverySeconds).toBeLessThan(1);
  });
});
