import Table from 'cli-table3';
import { createLogUpdate } from 'log-update';
import picocolors from 'picocolors';
import type { BreakerRow } from '../report.ts';

type Colors = ReturnType<typeof picocolors.createColors>;

/** What the live view shows at one moment. */
export interface Frame {
  /** Story milliseconds elapsed, and the story's length. */
  readonly atMs: number;
  readonly storyMs: number;
  /** Labels of the incidents running now. */
  readonly incidents: readonly string[];
  /** Extra lines under the progress bar (`--redis`, `--dashboard`). */
  readonly notes: readonly string[];
  /** One table per bot, in order. */
  readonly tables: readonly { readonly title: string; readonly rows: readonly BreakerRow[] }[];
}

/** Where the demo writes while it runs. */
export interface View {
  render(frame: Frame): void;
  /** A line that stays (an incident starting, a breaker opening). */
  event(line: string): void;
  /** Leaves the last frame on screen and stops redrawing. */
  done(): void;
}

function stateCell(row: BreakerRow, c: Colors): string {
  const paint =
    {
      closed: c.green,
      connected: c.green,
      open: c.red,
      forced_open: c.red,
      half_open: c.yellow,
      reconnecting: c.yellow,
      disabled: c.dim,
    }[row.state] ?? (row.state.startsWith('silent') ? c.yellow : (text: string) => text);
  const wait =
    row.openForMs !== undefined && row.openForMs > 0
      ? ` ${(row.openForMs / 1000).toFixed(1)} s`
      : '';
  return paint(`${row.state.replace('_', '-')}${wait}`);
}

/** The story's progress as block characters; log-update redraws it with the table. */
export function progressBar(fraction: number, width: number, c: Colors): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${c.cyan('█'.repeat(full))}${c.dim('░'.repeat(width - full))}`;
}

function breakerTable(title: string, rows: readonly BreakerRow[], c: Colors): string {
  const table = new Table({
    head: [title, 'state', 'calls', 'failures', 'fast-fails'],
    colAligns: ['left', 'left', 'right', 'right', 'right'],
    // cli-table3 colours through its own dependency; the plain view asks it for none.
    style: {
      compact: true,
      ...(c.isColorSupported ? { head: ['bold'], border: ['grey'] } : { head: [], border: [] }),
    },
  });
  for (const row of rows) {
    table.push([
      row.name,
      stateCell(row, c),
      row.calls,
      row.failures > 0 ? c.red(row.failures) : '0',
      row.fastFails > 0 ? c.cyan(row.fastFails) : '0',
    ]);
  }
  return table.toString();
}

/** The whole frame as text: header, progress bar, incidents, one table per bot. */
export function frameText(frame: Frame, c: Colors): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `${c.bold('Breakwater exchange-bot demo')}  ${progressBar(frame.atMs / frame.storyMs, 30, c)} ` +
      `${seconds(frame.atMs)} / ${seconds(frame.storyMs)}`,
    `incidents: ${frame.incidents.length > 0 ? c.yellow(frame.incidents.join(' · ')) : c.dim('none')}`,
    ...frame.notes,
  ];
  for (const { title, rows } of frame.tables) lines.push(breakerTable(title, rows, c));
  return lines.join('\n');
}

/** A terminal: the frame is redrawn in place by log-update, events stay above it. */
export function terminalView(stream: NodeJS.WriteStream): View {
  const log = createLogUpdate(stream);
  const c = picocolors.createColors(picocolors.isColorSupported);
  return {
    render: (frame) => log(frameText(frame, c)),
    event: (line) => log.persist(line),
    done: () => log.done(),
  };
}

/**
 * Not a terminal (a pipe, a file, CI): nothing is redrawn and nothing is coloured. Events as
 * they come, a progress line every tenth of the story, and the last frame's tables at the end.
 */
export function plainView(write: (line: string) => void): View {
  const c = picocolors.createColors(false);
  let lastTenth = -1;
  let last: Frame | undefined;
  return {
    render(frame) {
      last = frame;
      const tenth = Math.floor((frame.atMs / frame.storyMs) * 10);
      if (tenth === lastTenth || tenth >= 10) return;
      lastTenth = tenth;
      write(
        `[${(frame.atMs / 1000).toFixed(1).padStart(5)} s] ${progressBar(tenth / 10, 10, c)} ` +
          `incidents: ${frame.incidents.join(', ') || 'none'}`,
      );
    },
    event: (line) => write(line),
    done() {
      if (last !== undefined) write(frameText(last, c));
    },
  };
}
