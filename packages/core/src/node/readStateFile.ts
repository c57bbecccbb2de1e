import { constants } from 'node:fs';
import { copyFile, readFile, stat } from 'node:fs/promises';

/** The format tag of a {@link FileStore} file. */
export const fileStoreFormat = 'breakwater.store/1';

/** Larger than any state file (a breaker takes about 200 bytes): not one, so never read whole. */
const maxStateFileBytes = 64 * 1024 * 1024;

/** What the file held when it was read: its entries, or why they cannot be used. */
export interface StateFileView {
  readonly entries: ReadonlyMap<string, unknown>;
  /**
   * - `damaged`: empty, truncated or corrupt: a state file that lost its content. It is kept
   *   beside it (`keptAs`) before the next write replaces it.
   * - `foreign`: a file this code did not write (JSON of another kind, another format
   *   version, or too large): never written over.
   */
  readonly kind?: 'damaged' | 'foreign';
  /** Why the entries cannot be used, as the end of a sentence that starts with the path. */
  readonly problem?: string;
  /** Where a damaged file was copied before anything replaces it. */
  readonly keptAs?: string;
}

/**
 * Reads a state file. A damaged one is copied aside to `<file>.corrupt-<time>` at once, so what
 * it held can be inspected whatever happens next; a missing file is an empty store.
 * @param now - epoch ms, for the name of the copy
 * @throws Error naming the file when it cannot be read (permissions, a directory)
 */
export async function readStateFile(path: string, now: number): Promise<StateFileView> {
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > maxStateFileBytes) {
      return foreign(`is ${size} bytes, too large to be a Breakwater state file`);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { entries: new Map() };
    throw new Error(`Cannot read breaker state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text.trim() === '') return damaged(path, now, 'is empty');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return damaged(path, now, 'is not valid JSON (truncated or corrupt)');
  }
  const format = isRecord(data) ? data.format : undefined;
  if (format !== fileStoreFormat) {
    const which =
      typeof format === 'string' && format.startsWith('breakwater.store/')
        ? `is in format '${format.slice(0, 40)}', from another version of Breakwater`
        : 'is not a Breakwater state file';
    return foreign(`${which} (expected format '${fileStoreFormat}')`);
  }
  const breakers = (data as Record<string, unknown>).breakers;
  if (!isRecord(breakers)) return damaged(path, now, 'has no `breakers` object');
  return { entries: new Map(Object.entries(breakers)) };
}

/**
 * Copies a damaged file to a name no other copy has, so it is never lost.
 * @returns the copy's path
 * @throws Error from the file system
 */
export async function keepAside(path: string, now: number): Promise<string> {
  // A clock that answers nonsense must not stop the copy: the name only has to be unique.
  const date = new Date(now);
  const stamp = Number.isNaN(date.getTime())
    ? 'unknown-time'
    : date.toISOString().replace(/[:.]/g, '-');
  for (let n = 1; ; n++) {
    const aside = `${path}.corrupt-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      await copyFile(path, aside, constants.COPYFILE_EXCL);
      return aside;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST' || n >= 100) throw error;
    }
  }
}

async function damaged(path: string, now: number, problem: string): Promise<StateFileView> {
  try {
    const keptAs = await keepAside(path, now);
    return {
      entries: new Map(),
      kind: 'damaged',
      problem: `${problem}; it was kept as ${keptAs} and will be replaced on the next save`,
      keptAs,
    };
  } catch (error) {
    return {
      entries: new Map(),
      kind: 'damaged',
      problem:
        `${problem}, and could not be kept aside (${(error as Error).message}); it is not ` +
        'replaced until a copy is kept',
    };
  }
}

function foreign(problem: string): StateFileView {
  return {
    entries: new Map(),
    kind: 'foreign',
    problem:
      `${problem}. FileStore never writes over a file it did not create: move or delete it, ` +
      'or give FileStore another path',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
