/** What {@link emitWarning} needs of Node's `process`. */
interface WarningTarget {
  emitWarning(message: string, options: { type: string; code: string }): void;
}

/**
 * Shows a warning where the platform shows them: through Node's `process.emitWarning` when
 * there is one (Node, Bun, Deno's Node layer), so `--no-warnings`, `--trace-warnings` and
 * `process.on('warning')` apply to it; else through `console.warn` (browsers). The core's main
 * entry reaches `process` only here, through a guarded global lookup. A warning never throws.
 */
export function emitWarning(message: string, code: string): void {
  const target = (globalThis as { process?: Partial<WarningTarget> }).process;
  try {
    if (typeof target?.emitWarning === 'function') {
      target.emitWarning(message, { type: 'BreakwaterWarning', code });
    } else {
      console.warn(`BreakwaterWarning [${code}]: ${message}`);
    }
  } catch {
    // A warning is advice: failing to show it must not fail the operation that raised it.
  }
}
