import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection. `pnpm bench` runs with `--expose-gc`; when a process was started
 * without it (the Vitest schema test), the flag is switched on at run time and `gc` is read from
 * a fresh context, where V8 installs it.
 */
export const collectGarbage: () => void = globalThis.gc ?? exposeGc();

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** A young-generation (scavenge) collection: the garbage of the last batch, nothing more. */
export function collectYoungGarbage(): void {
  (collectGarbage as (options?: { type: 'minor' | 'major' }) => void)({ type: 'minor' });
}
