import Table from 'cli-table3';
import picocolors from 'picocolors';
import { type DemoSummary, exchanges, type RunReport, total } from '../report.ts';

type Colors = ReturnType<typeof picocolors.createColors>;

const seconds = (ms: number | undefined) =>
  ms === undefined ? 'not by the end' : `${(ms / 1000).toFixed(1)} s`;

/**
 * The comparison the demo ends with: the same timeline, with and without Breakwater, counted by
 * the simulated exchanges (what they received), not by the bots.
 */
export function summaryText(summary: DemoSummary, colors: boolean): string {
  const c: Colors = picocolors.createColors(colors);
  const { breakwater, bare } = summary;
  const table = new Table({
    head: ['', 'with Breakwater', 'without'],
    colAligns: ['left', 'right', 'right'],
    style: colors ? { head: ['bold'], border: ['grey'] } : { head: [], border: [] },
  });
  const row = (label: string, of: (report: RunReport) => string) =>
    table.push([label, c.green(of(breakwater)), c.red(of(bare))]);

  for (const id of exchanges) {
    row(`requests to ${id} while it was failing`, (r) =>
      String(r.exchanges[id].requestsWhileFailing),
    );
  }
  row('requests in all', (r) => String(total(r, 'requests')));
  row('Binance IP bans (HTTP 418)', (r) => String(total(r, 'bans')));
  row('requests answered with a ban', (r) => String(total(r, 'bannedRequests')));
  row('orders sent twice', (r) => String(total(r, 'ordersSentTwice')));
  row('WebSocket connects', (r) => String(total(r, 'wsConnects')));
  for (const id of exchanges) {
    row(`time to recover on ${id}`, (r) => seconds(r.recoveryMs[id]));
  }

  const percent = Math.round(summary.failingRequestRatio * 100);
  return [
    c.bold(
      `Summary: the same ${seconds(summary.storyMs)} timeline, run with and without Breakwater ` +
        `(played in ${seconds(summary.realMs)})`,
    ),
    table.toString(),
    `Breakwater sent ${percent} % of the bare bot's requests to exchanges while they were failing.`,
  ].join('\n');
}
