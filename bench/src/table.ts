import { cases, idleImpls, selfTimedCases } from './cases/index.ts';
import type { BenchResult } from './results.ts';

/**
 * The result as a plain-text table: ns/op (after a young GC), ns/op paying for its own garbage
 * (no GC), p99 and the ratio to each case's reference; then the heap figures.
 */
export function formatTable(result: BenchResult): string {
  const rows: string[][] = [['case', 'impl', 'ns/op', 'no-GC ns', 'p99 ns', 'ratio']];
  const notes: string[] = [];
  for (const [caseName, figures] of Object.entries(result.cases)) {
    const reference = [...cases, ...selfTimedCases].find((c) => c.name === caseName)?.reference;
    const referenceFigure = reference === undefined ? undefined : figures[reference];
    const referenceNs =
      referenceFigure !== undefined && 'ns' in referenceFigure ? referenceFigure.ns : undefined;
    for (const [impl, figure] of Object.entries(figures)) {
      if (!('ns' in figure)) {
        const ops = figure.opsPerSec === undefined ? '-' : `${figure.opsPerSec}/s`;
        rows.push([caseName, impl, `p50 ${figure.p50Ms} ms`, '-', `p99 ${figure.p99Ms} ms`, ops]);
        continue;
      }
      const ratio = referenceNs ? `${(figure.ns / referenceNs).toFixed(2)}×` : '-';
      const noGc = figure.nsNoGc === undefined ? '-' : figure.nsNoGc.toFixed(1);
      rows.push([caseName, impl, figure.ns.toFixed(1), noGc, figure.p99Ns.toFixed(1), ratio]);
      if ('heapDeltaBytes' in figure) {
        notes.push(
          `  ${caseName} ${impl}: heap ${figure.heapDeltaBytes >= 0 ? '+' : ''}` +
            `${figure.heapDeltaBytes} B over ${figure.calls} calls on ${figure.breakers} breakers`,
        );
      }
    }
  }
  const lines = align(rows, [false, false, true, true, true, true]);
  if (notes.length > 0) lines.push('', ...notes);
  const memory = Object.entries(result.memory);
  if (memory.length > 0) {
    const memoryRows = [['memory', 'impl', 'bytes per idle breaker']];
    for (const [impl, bytes] of memory) memoryRows.push(['', impl, String(bytes)]);
    lines.push('', ...align(memoryRows, [false, false, true]));
    for (const impl of idleImpls) {
      if (impl.name in result.memory) lines.push(`  ${impl.name}: ${impl.config}`);
    }
  }
  return lines.join('\n');
}

function align(rows: readonly string[][], right: readonly boolean[]): string[] {
  const widths = right.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        right[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd(),
  );
}
