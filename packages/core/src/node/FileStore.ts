import { readdirSync, unlinkSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { maxTimerMs, parseDurableState, serializeDurableState, systemClock } from '../adapter.ts';
import type { BreakerStore, Clock, DurableState } from '../index.ts';
import {
  expectClock,
  expectFunction,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import { FileLock } from './FileLock.ts';
import { fileStoreFormat, keepAside, readStateFile, type StateFileView } from './readStateFile.ts';
import { isStoreLockedError } from './StoreLockedError.ts';

export { fileStoreFormat } from './readStateFile.ts';

/** Options for {@link FileStore}. */
export interface FileStoreOptions {
  /** The JSON file that holds every breaker's state; relative paths resolve against the cwd. */
  path: string;
  /**
   * How long a save waits for more saves before the file is written: one write per burst.
   * @defaultValue `100`
   */
  debounceMs?: number;
  /**
   * Schedules the debounced writes and names the temporary files.
   * @defaultValue {@link systemClock}
   */
  clock?: Clock;
  /**
   * Called with every failed write, in addition to the rejection of the saves' promises; for
   * logging once per write rather than once per breaker.
   * @defaultValue none
   */
  onError?: (error: unknown) => void;
}

interface ResolvedFileStoreOptions {
  readonly path: string;
  readonly debounceMs: number;
  readonly clock: Clock;
  readonly onError: ((error: unknown) => void) | undefined;
}

interface Batch {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const knownOptions: KnownKeys<FileStoreOptions> = {
  path: true,
  debounceMs: true,
  clock: true,
  onError: true,
};
const noop = () => {};
let writeCount = 0;

/**
 * A {@link BreakerStore} that keeps the state of every breaker of one process in one JSON file,
 * so that open breakers stay open across restarts:
 * `{ "format": "breakwater.store/1", "breakers": { "<name>": <state> } }`.
 *
 * - **One process per file**: the store takes a lock file beside it (`<file>.lock`, naming the
 *   process) when it is created, and releases it in {@link FileStore.dispose}. A second
 *   process, or a second `FileStore` in this process, gets a {@link StoreLockedError} from the
 *   constructor: each process would rewrite the whole file from what it read and erase the
 *   other's breakers. A lock left by a process that died (SIGKILL, a crash, an exit without
 *   `dispose()`) is taken over. Processes that share state use a distributed store.
 * - **Debounced**: `save()` records the latest state per breaker and schedules one write
 *   `debounceMs` later on the clock; the timer never keeps the process alive, so call
 *   {@link FileStore.flush} or {@link FileStore.dispose} at shutdown.
 * - **Atomic**: each write goes to a temporary file beside the target, is synced, then renamed
 *   over it; a crash leaves the old file or the new one, never half of one. Temporary files a
 *   killed process left behind are removed when the store is created. Parent directories are
 *   created.
 * - **Never clobbers**: a file that is not a Breakwater state file (a config file at a wrong
 *   path, another format version) is never written over: loads and saves fail, naming it,
 *   until it is moved away. A damaged state file (empty, truncated, not JSON) is copied to
 *   `<file>.corrupt-<time>` as soon as it is read, then replaced by the next write.
 * - **Errors**: the promise `save()` returns rejects when the write that carries its state fails
 *   (the breaker reports it as `storeError`), and `onError` sees each failed write. `load()`
 *   rejects, naming the file and the problem, when the file is damaged or foreign; the breaker
 *   reports that as `storeError` and starts fresh. A missing file is an empty store.
 *
 * The file is read once and then kept in memory. Entries of breakers this process never saves
 * are kept as they are.
 *
 * @example
 * ```ts
 * import { FileStore } from '@breakwater/core/node';
 *
 * const store = new FileStore({ path: '.breakwater/state.json' });
 * const breaker = new CircuitBreaker({ name: 'https://api.kraken.com', store });
 * process.once('SIGTERM', () => void store.dispose());
 * ```
 */
export class FileStore implements BreakerStore {
  #options: ResolvedFileStoreOptions;
  /** Every state saved by this process: newer than anything in the file. */
  #saved = new Map<string, DurableState>();
  #view: Promise<StateFileView> | undefined;
  /** The saves waiting for the next write, and its timer. */
  #batch: Batch | undefined;
  #timer: unknown;
  /** Writes run one at a time, in order; this never rejects. */
  #queue: Promise<void> = Promise.resolve();
  /** The last write started, which may reject. */
  #lastWrite: Promise<void> = Promise.resolve();
  #lastWriteFailed = false;
  #disposed = false;
  readonly #lock: FileLock;
  #locked = false;
  /** Set once dispose() has released the lock: nothing may take it again. */
  #released = false;

  /**
   * Takes the file's lock and removes temporary files a killed process left. An I/O error
   * while locking (a read-only directory) is not thrown: writes fail with it, and try again.
   *
   * @param options - Where the file lives and how writes are scheduled.
   * @throws BreakwaterConfigError when an option is missing, unknown or invalid.
   * @throws {@link StoreLockedError} when another live process, or another `FileStore` in this
   * process, has the file open.
   */
  constructor(options: FileStoreOptions) {
    this.#options = resolveFileStoreOptions(options);
    this.#lock = new FileLock(this.#options.path);
    try {
      this.#holdLock(false);
    } catch (error) {
      if (isStoreLockedError(error)) throw error;
    }
  }

  /** The absolute path of the file. */
  get path(): string {
    return this.#options.path;
  }

  /**
   * The state of breaker `name`: the last one this process saved, or the one in the file.
   *
   * @returns The state, or `undefined` when the breaker has none (or the file does not exist).
   * @throws `Error` (as a rejection) naming the file and the problem when the file cannot be
   * read, or is corrupt, truncated or not a Breakwater state file, or when the entry for `name`
   * is not a valid state.
   */
  async load(name: string): Promise<DurableState | undefined> {
    const saved = this.#saved.get(name);
    if (saved !== undefined) return saved;
    const view = await this.#read();
    // A save may have happened while the file was being read: it is newer.
    const savedMeanwhile = this.#saved.get(name);
    if (savedMeanwhile !== undefined) return savedMeanwhile;
    if (view.problem !== undefined) {
      throw new Error(`Breaker state file ${this.path} ${view.problem}.`);
    }
    const entry = view.entries.get(name);
    if (entry === undefined) return undefined;
    try {
      return parseDurableState(entry);
    } catch (error) {
      throw new Error(
        `Breaker state file ${this.path} has an invalid entry for breaker "${name}": ` +
          `${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * Records `state` for breaker `name` and schedules a write in `debounceMs`, unless one is
   * already scheduled. Never awaited on the call path.
   *
   * @returns A promise that settles when the write carrying this state does: handle its
   * rejection (the breaker turns it into `storeError`).
   */
  save(name: string, state: DurableState): Promise<void> {
    if (this.#disposed) {
      return Promise.reject(
        new Error(`FileStore for ${this.path} is disposed; the state of "${name}" was not saved.`),
      );
    }
    this.#saved.set(name, copyState(state));
    let batch = this.#batch;
    if (batch === undefined) {
      batch = createBatch();
      this.#batch = batch;
      this.#timer = this.#options.clock.setTimeout(this.#onTimer, this.#options.debounceMs);
      unref(this.#timer);
    }
    return batch.promise;
  }

  /**
   * Writes pending states now, without waiting for the debounce, or else waits for the write in
   * progress, if any. A write that failed is retried.
   *
   * @throws `Error` (as a rejection) naming the file when the write fails.
   */
  flush(): Promise<void> {
    if (this.#batch === undefined && !this.#lastWriteFailed) return this.#lastWrite;
    return this.#write();
  }

  /**
   * Writes pending states, clears the timer, refuses later saves and releases the file's lock
   * (also when the final write fails), so another process may open it.
   *
   * @throws `Error` (as a rejection) naming the file when the final write fails.
   */
  dispose(): Promise<void> {
    this.#disposed = true;
    return this.flush().finally(() => {
      this.#released = true;
      if (!this.#locked) return;
      this.#locked = false;
      this.#lock.release();
    });
  }

  /** Same as {@link FileStore.dispose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    // The failure reaches the saves' promises and onError in #write.
    this.#write().catch(noop);
  };

  #write(): Promise<void> {
    if (this.#timer !== undefined) {
      this.#options.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#batch;
    this.#batch = undefined;
    const run = this.#queue.then(() => this.#writeFile());
    this.#queue = run.then(noop, noop);
    this.#lastWrite = run;
    run.then(
      () => {
        this.#lastWriteFailed = false;
        batch?.resolve();
      },
      (error: unknown) => {
        this.#lastWriteFailed = true;
        batch?.reject(error);
        this.#report(error);
      },
    );
    return run;
  }

  async #writeFile(): Promise<void> {
    const { path, clock } = this.#options;
    if (this.#released) {
      throw new Error(`FileStore for ${path} is disposed; its states are no longer written.`);
    }
    // The lock file may have been deleted by hand, or never taken (an I/O error at start).
    this.#holdLock(true);
    const view = await this.#readForWrite();
    const entries = new Map(view.entries);
    for (const [name, state] of this.#saved) entries.set(name, serializeDurableState(state));
    const text = `${JSON.stringify(
      { format: fileStoreFormat, breakers: Object.fromEntries(entries) },
      null,
      2,
    )}\n`;
    const suffix = `${++writeCount}${Math.floor(clock.random() * 0x1_0000_0000).toString(36)}`;
    const temporary = `${path}.${process.pid}.${suffix}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(text, 'utf8');
        // Without a sync, a power loss after the rename can leave an empty file on some
        // file systems; writes are debounced, so the cost is paid once per burst.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(noop);
      throw new Error(`Cannot write breaker state file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.#view = Promise.resolve({ entries });
  }

  /** Reads the file once; an I/O error is not kept, so the next load or write tries again. */
  #read(): Promise<StateFileView> {
    if (this.#view === undefined) {
      const view = readStateFile(this.#options.path, this.#options.clock.now());
      this.#view = view;
      view.catch(() => {
        if (this.#view === view) this.#view = undefined;
      });
    }
    return this.#view;
  }

  /**
   * The view a write may replace: a foreign file is read again (it may have been moved away
   * since) and refused while it is there; a damaged one only once a copy of it is kept.
   */
  async #readForWrite(): Promise<StateFileView> {
    const { path, clock } = this.#options;
    let view = await this.#read();
    if (view.kind === 'foreign') {
      this.#view = undefined;
      view = await this.#read();
    }
    if (view.kind === 'foreign') {
      throw new Error(`Refusing to write breaker state file ${path}: it ${view.problem}.`);
    }
    if (view.kind === 'damaged' && view.keptAs === undefined) {
      try {
        view = { ...view, keptAs: await keepAside(path, clock.now()) };
        this.#view = Promise.resolve(view);
      } catch (error) {
        throw new Error(
          `Refusing to replace damaged breaker state file ${path}: a copy could not be kept ` +
            `(${(error as Error).message}).`,
          { cause: error },
        );
      }
    }
    return view;
  }

  /** Takes the lock if this store does not hold it; then removes what killed writers left. */
  #holdLock(verify: boolean): void {
    if (this.#locked) {
      if (verify) this.#lock.ensure();
      return;
    }
    this.#lock.acquire();
    this.#locked = true;
    removeLeftovers(this.#options.path);
  }

  #report(error: unknown): void {
    const onError = this.#options.onError;
    if (onError === undefined) return;
    try {
      onError(error);
    } catch (thrown) {
      queueMicrotask(() => {
        throw thrown;
      });
    }
  }
}

/**
 * Removes temporary files of writes and lock attempts that a killed process left beside the
 * file. Called with the lock held, so no live process is writing one of them.
 */
function removeLeftovers(path: string): void {
  const directory = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  const write = new RegExp(`^${escapeRegExp(base)}\\.\\d+\\.[0-9a-z]+\\.tmp$`);
  const staleLock = `${base}.lock.stale-`;
  for (const name of names) {
    if (!write.test(name) && !FileLock.isTemporary(name, base) && !name.startsWith(staleLock)) {
      continue;
    }
    try {
      unlinkSync(join(directory, name));
    } catch {
      // Removed by someone else, or not ours to remove: leave it.
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function copyState(state: DurableState): DurableState {
  return Object.freeze({
    state: state.state,
    version: state.version,
    openedAt: state.openedAt,
    openUntil: state.openUntil,
    recoveryAttempt: state.recoveryAttempt,
  });
}

function createBatch(): Batch {
  let resolve = noop;
  let reject: (error: unknown) => void = noop;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** A pending save must never keep the process alive; flush() or dispose() writes it at exit. */
function unref(handle: unknown): void {
  if (typeof handle === 'object' && handle !== null && 'unref' in handle) {
    if (typeof handle.unref === 'function') handle.unref();
  }
}

function resolveFileStoreOptions(options: FileStoreOptions): ResolvedFileStoreOptions {
  expectObject('options', options);
  rejectUnknownKeys('', options, knownOptions);
  return Object.freeze({
    path: resolve(expectString('path', options.path)),
    debounceMs: expectNumber('debounceMs', options.debounceMs ?? 100, 0, maxTimerMs),
    clock: expectClock('clock', options.clock ?? systemClock),
    onError:
      options.onError === undefined
        ? undefined
        : expectFunction<(error: unknown) => void>('onError', options.onError),
  });
}
