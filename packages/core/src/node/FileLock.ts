import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { StoreLockedError } from './StoreLockedError.ts';

/** The format tag of a lock file. */
const lockFormat = 'breakwater.lock/1';

/** What a lock file holds: who holds it, and a token only the holder knows. */
interface LockRecord {
  readonly format: typeof lockFormat;
  readonly pid: number;
  readonly host: string;
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  readonly started: number | undefined;
  /** The holder's worker thread (0: the main thread): threads share a pid. */
  readonly thread: number | undefined;
  readonly token: string;
}

/**
 * The tokens of the locks this process holds, by lock path: shared by every copy of the core
 * in the process, so a second `FileStore` on a file is refused whichever copy created it.
 */
const heldKey = Symbol.for('breakwater.fileLocks');
const held = heldLocks(globalThis as { [heldKey]?: Map<string, string> });

function heldLocks(holder: { [heldKey]?: Map<string, string> }): Map<string, string> {
  const existing = holder[heldKey];
  if (existing !== undefined) return existing;
  const created = new Map<string, string>();
  holder[heldKey] = created;
  return created;
}

/** Errors of `link()` on file systems without hard links: fall back to an exclusive create. */
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * One process per file, enforced with a lock file beside it (`<file>.lock`) naming the holder's
 * pid and host. Taking the lock is an exclusive create, so two processes never both succeed. A
 * lock whose holder is gone (killed with SIGKILL, crashed, or exited without `dispose()`) is
 * stale and taken over: its pid no longer runs, or runs a different process (Linux: another
 * start time), or is this very pid reused after a container restart (another start time, or
 * where that is unknown, the same thread without this thread holding it). A lock from another
 * host cannot be checked and is never taken over.
 */
export class FileLock {
  /** The state file the lock guards. */
  readonly file: string;
  /** The lock file. */
  readonly path: string;
  readonly #record: LockRecord;

  constructor(file: string) {
    this.file = file;
    this.path = `${file}.lock`;
    this.#record = {
      format: lockFormat,
      pid: process.pid,
      host: hostname(),
      started: startTicks(process.pid),
      thread: threadId,
      token: randomBytes(12).toString('hex'),
    };
  }

  /** The lock file's name pattern for temporary files, so leftovers can be recognised. */
  static isTemporary(name: string, base: string): boolean {
    return name.startsWith(`${base}.lock.`) && name.endsWith('.tmp');
  }

  /**
   * Takes the lock, taking over a stale one.
   * @throws StoreLockedError when a live holder has it
   * @throws Error from the file system (the directory cannot be created or written)
   */
  acquire(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    // Each round either takes the lock or removes a stale one; a few rounds cover processes
    // that race to take over the same stale lock.
    for (let round = 0; round < 5; round++) {
      if (this.#tryCreate()) {
        held.set(this.path, this.#record.token);
        return;
      }
      const found = readLock(this.path);
      if (found === 'missing') continue;
      if (found === 'unreadable') throw this.#locked(undefined);
      if (this.#holderAlive(found)) throw this.#locked(found);
      this.#removeStale(found);
    }
    throw this.#locked(undefined);
  }

  /**
   * True while the lock file still names this holder. When it is gone (deleted by hand), takes
   * it again.
   * @throws StoreLockedError when another holder has it now
   */
  ensure(): void {
    const found = readLock(this.path);
    if (found !== 'missing' && found !== 'unreadable' && found.token === this.#record.token) {
      return;
    }
    if (found === 'missing') {
      this.acquire();
      return;
    }
    held.delete(this.path);
    throw this.#locked(found === 'unreadable' ? undefined : found);
  }

  /** Removes the lock file if it still names this holder. */
  release(): void {
    if (held.get(this.path) === this.#record.token) held.delete(this.path);
    const found = readLock(this.path);
    if (found === 'missing' || found === 'unreadable' || found.token !== this.#record.token) {
      return;
    }
    try {
      unlinkSync(this.path);
    } catch {
      // Gone already: nothing to release.
    }
  }

  /** Creates the lock file with its whole content at once; false when it exists. */
  #tryCreate(): boolean {
    const text = `${JSON.stringify(this.#record)}\n`;
    // Written aside, then hard-linked into place: the lock appears complete or not at all, so
    // a reader never sees a half-written one and mistakes a live holder for a stale lock.
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, text, { flag: 'wx' });
      try {
        linkSync(temporary, this.path);
        return true;
      } catch (error) {
        const code = codeOf(error);
        if (code === 'EEXIST') return false;
        // Another process cleaning leftovers removed our temporary file: try again.
        if (code === 'ENOENT') return false;
        if (!noHardLinks.has(code ?? '')) throw error;
      }
    } finally {
      try {
        unlinkSync(temporary);
      } catch {
        // Never written, or removed by another process's cleanup.
      }
    }
    try {
      writeFileSync(this.path, text, { flag: 'wx' });
      return true;
    } catch (error) {
      if (codeOf(error) === 'EEXIST') return false;
      throw error;
    }
  }

  #holderAlive(holder: LockRecord): boolean {
    if (holder.host !== this.#record.host) return true;
    if (holder.pid === process.pid) {
      if (held.get(this.path) === holder.token) return true;
      // Another thread of this process (each has its own record of held locks), or an earlier
      // process that had the same pid (a container's pid 1 after a restart).
      const mine = this.#record.started;
      if (holder.started !== undefined && mine !== undefined) return holder.started === mine;
      return holder.thread !== this.#record.thread;
    }
    if (!processRuns(holder.pid)) return false;
    const started = startTicks(holder.pid);
    return holder.started === undefined || started === undefined || started === holder.started;
  }

  /**
   * Moves a stale lock out of the way. It is renamed first, which is atomic, and removed only if
   * it is the stale one: another process may have taken over meanwhile, and its fresh lock is
   * then put back.
   */
  #removeStale(stale: LockRecord): void {
    const aside = `${this.path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(this.path, aside);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return;
      throw error;
    }
    const moved = readLock(aside);
    if (moved !== 'missing' && moved !== 'unreadable' && moved.token !== stale.token) {
      try {
        linkSync(aside, this.path);
      } catch {
        // A third process holds the lock now; the next round reads it.
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      // Already gone.
    }
  }

  #locked(holder: LockRecord | undefined): StoreLockedError {
    if (holder === undefined) return new StoreLockedError(this.file, this.path, undefined, false);
    const sameProcess = holder.pid === process.pid && holder.host === this.#record.host;
    return new StoreLockedError(
      this.file,
      this.path,
      { pid: holder.pid, host: holder.host },
      sameProcess,
    );
  }
}

function readLock(path: string): LockRecord | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const record = JSON.parse(text) as Partial<LockRecord> | null;
    if (
      record?.format === lockFormat &&
      Number.isSafeInteger(record.pid) &&
      typeof record.host === 'string' &&
      typeof record.token === 'string'
    ) {
      return record as LockRecord;
    }
  } catch {
    // Not a lock this code wrote.
  }
  return 'unreadable';
}

/** Whether a process with this pid runs (possibly as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

/** A process's start time in clock ticks since boot, where `/proc` tells it (Linux). */
function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, field 2, is in parentheses and may contain anything: count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
