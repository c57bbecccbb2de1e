import { BreakwaterError, findBreakwaterError } from '../errors/BreakwaterError.ts';

/** The process that holds a {@link FileStore} file, as its lock file names it. */
export interface StoreLockHolder {
  readonly pid: number;
  readonly host: string;
}

/**
 * Thrown by `new FileStore()` when another live process (or another `FileStore` in this
 * process) already has the file open: a file store serves one process, because each process
 * rewrites the whole file from what it read, and two would erase each other's breakers. Give
 * each process its own file, or share state across processes with a distributed store.
 */
export class StoreLockedError extends BreakwaterError {
  readonly code = 'BREAKWATER_STORE_LOCKED' as const;
  override readonly name = 'StoreLockedError';
  /** The state file. */
  readonly path: string;
  /** The lock file that names the holder. */
  readonly lockPath: string;
  /** Who holds it; `undefined` when the lock file names no holder that could be read. */
  readonly holder: StoreLockHolder | undefined;

  constructor(
    path: string,
    lockPath: string,
    holder: StoreLockHolder | undefined,
    sameProcess: boolean,
  ) {
    super(describe(path, lockPath, holder, sameProcess));
    this.path = path;
    this.lockPath = lockPath;
    this.holder = holder;
  }
}

function describe(
  path: string,
  lockPath: string,
  holder: StoreLockHolder | undefined,
  sameProcess: boolean,
): string {
  if (holder === undefined) {
    return (
      `Breaker state file ${path} could not be locked: its lock file ${lockPath} names no ` +
      'holder that can be read. If no process uses the file, delete the lock file.'
    );
  }
  if (sameProcess) {
    return (
      `Breaker state file ${path} is already open by another FileStore in this process; ` +
      'share that store, or dispose() it before opening the file again.'
    );
  }
  const by = `process ${holder.pid} on host "${holder.host}"`;
  return (
    `Breaker state file ${path} is in use by ${by} (lock file ${lockPath}). A FileStore ` +
    'serves one process: give each process its own file, or share state across processes ' +
    'with a distributed store. If that process is gone for good, delete the lock file.'
  );
}

/**
 * True when `value`, or an error in its `cause` chain, is a {@link StoreLockedError} from any
 * copy of Breakwater.
 */
export function isStoreLockedError(value: unknown): value is StoreLockedError {
  return findBreakwaterError(value, 'BREAKWATER_STORE_LOCKED') !== undefined;
}
