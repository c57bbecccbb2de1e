import { spawnSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  BreakwaterConfigError,
  type Clock,
  type DurableState,
  ManualClock,
} from '@breakwater/core';
import { systemClock } from '@breakwater/core/adapter';
import {
  FileStore,
  type FileStoreOptions,
  isStoreLockedError,
  StoreLockedError,
} from '@breakwater/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
let file: string;
let clock: ManualClock;
const stores: FileStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-filestore-'));
  file = join(dir, 'nested', 'state.json');
  clock = new ManualClock();
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.dispose().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

function createStore(options: Partial<FileStoreOptions> = {}): FileStore {
  const store = new FileStore({ path: file, clock, ...options });
  stores.push(store);
  return store;
}

/** What a restart does: the open store lets go of the file, and a new one opens it. */
async function reopen(options: Partial<FileStoreOptions> = {}): Promise<FileStore> {
  for (const store of stores.splice(0)) await store.dispose().catch(() => {});
  return createStore(options);
}

async function listing(): Promise<string[]> {
  return (await readdir(join(dir, 'nested'))).sort();
}

function state(version: number, overrides: Partial<DurableState> = {}): DurableState {
  return {
    state: 'open',
    version,
    openedAt: 1_767_225_600_000,
    openUntil: 1_767_225_630_000,
    recoveryAttempt: 1,
    ...overrides,
  };
}

async function readJson(): Promise<{ format: string; breakers: Record<string, unknown> }> {
  return JSON.parse(await readFile(file, 'utf8'));
}

interface LockFields {
  pid: number;
  host: string;
  token: string;
  started?: number;
  thread: number;
}

async function writeLock(fields: Partial<LockFields> & { pid: number }) {
  const lock = { format: 'breakwater.lock/1', host: hostname(), token: 'someone-else', ...fields };
  await writeFile(`${file}.lock`, JSON.stringify(lock));
}

async function readLock(): Promise<LockFields> {
  return JSON.parse(await readFile(`${file}.lock`, 'utf8'));
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('FileStore', () => {
  it('loads nothing when the file does not exist', async () => {
    expect(await createStore().load('api')).toBeUndefined();
  });

  it('round-trips several breakers through the file', async () => {
    const writer = createStore();
    writer.save('https://api.kraken.com', state(3));
    writer.save('https://api.binance.com', state(7, { state: 'closed', openUntil: 0 }));
    await writer.flush();

    const reader = await reopen();
    expect(await reader.load('https://api.kraken.com')).toEqual(state(3));
    expect(await reader.load('https://api.binance.com')).toEqual(
      state(7, { state: 'closed', openUntil: 0 }),
    );
    expect(await reader.load('https://api.bybit.com')).toBeUndefined();
    expect(await readJson()).toMatchObject({
      format: 'breakwater.store/1',
      breakers: { 'https://api.kraken.com': { format: 'breakwater.state/1', version: 3 } },
    });
  });

  it('round-trips an endless openUntil as null in the file', async () => {
    const writer = createStore();
    writer.save('api', state(2, { state: 'forced_open', openUntil: Infinity }));
    await writer.flush();
    expect((await readJson()).breakers.api).toMatchObject({ openUntil: null });
    expect((await (await reopen()).load('api'))?.openUntil).toBe(Infinity);
  });

  it('loads the latest state saved by this process before it is written', async () => {
    const store = createStore();
    store.save('api', state(1));
    store.save('api', state(2));
    expect(await store.load('api')).toEqual(state(2));
    expect(await exists(file)).toBe(false);
  });

  it('writes many saves within the debounce once, with the latest states', async () => {
    const store = createStore({ debounceMs: 100 });
    const promises = new Set<Promise<void>>();
    for (let version = 1; version <= 50; version++) {
      promises.add(store.save(version % 2 ? 'a' : 'b', state(version)));
      await clock.advance(1);
    }
    expect(promises.size).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    expect(await exists(file)).toBe(false);

    await clock.advance(50);
    await Promise.all(promises);
    const { breakers } = await readJson();
    expect(breakers.a).toMatchObject({ version: 49 });
    expect(breakers.b).toMatchObject({ version: 50 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('writes atomically: the file always parses and no temporary file remains', async () => {
    const store = createStore();
    for (let round = 1; round <= 5; round++) {
      store.save(`breaker-${round}`, state(round));
      const write = store.flush();
      store.save(`breaker-${round}`, state(round + 100));
      await Promise.all([write, store.flush()]);
      expect(Object.keys((await readJson()).breakers)).toHaveLength(round);
    }
    expect(await listing()).toEqual(['state.json', 'state.json.lock']);
  });

  it('keeps the entries of breakers this process never saved', async () => {
    await mkdir(join(dir, 'nested'));
    const writer = createStore();
    writer.save('kept', state(9));
    await writer.flush();
    const other = await reopen();
    other.save('mine', state(1));
    await other.flush();
    expect(Object.keys((await readJson()).breakers).sort()).toEqual(['kept', 'mine']);
  });

  it.each([
    ['corrupt', '{"format": "breakwater.store/1", "breakers": {', /is not valid JSON/],
    [
      'truncated',
      JSON.stringify({ format: 'breakwater.store/1', breakers: {} }).slice(0, 20),
      /is not valid JSON/,
    ],
    ['garbage', '\u0000\u00ff\ufffd garbage \u0007', /is not valid JSON/],
    ['empty', '', /is empty/],
    [
      'without breakers',
      JSON.stringify({ format: 'breakwater.store/1' }),
      /has no `breakers` object/,
    ],
  ])(
    'keeps a %s state file beside it for inspection, then a save replaces it',
    async (_, text, problem) => {
      await mkdir(join(dir, 'nested'));
      await writeFile(file, text);
      const store = createStore();
      const failure = store.load('api');
      await expect(failure).rejects.toThrow(problem);
      await expect(failure).rejects.toThrow(file);
      const kept = `${file}.corrupt-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`;
      await expect(failure).rejects.toThrow(`kept as ${kept}`);
      expect(await readFile(kept, 'utf8')).toBe(text);

      store.save('api', state(4));
      await store.flush();
      expect(await readJson()).toMatchObject({ format: 'breakwater.store/1' });
      expect(await store.load('other')).toBeUndefined();
      expect(await (await reopen()).load('api')).toEqual(state(4));
      expect(await readFile(kept, 'utf8')).toBe(text);
    },
  );

  it('never overwrites an earlier copy of a damaged file', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(file, 'first');
    await expect(createStore().load('api')).rejects.toThrow(/kept as \S+corrupt-\S+Z and/);
    await writeFile(file, 'second');
    await expect((await reopen()).load('api')).rejects.toThrow(/kept as \S+corrupt-\S+Z-2 and/);
    const copies = (await listing()).filter((name) => name.includes('.corrupt-'));
    expect(copies).toHaveLength(2);
    const texts = await Promise.all(
      copies.map((name) => readFile(join(dir, 'nested', name), 'utf8')),
    );
    expect(texts.sort()).toEqual(['first', 'second']);
  });

  it.each([
    [
      'a config file',
      JSON.stringify({ database: { host: 'db' } }),
      /is not a Breakwater state file/,
    ],
    ['JSON that is no object', '[1, 2, 3]', /is not a Breakwater state file/],
    [
      'a file of another format version',
      JSON.stringify({ format: 'breakwater.store/2', breakers: {} }),
      /is in format 'breakwater.store\/2', from another version/,
    ],
  ])(
    'never writes over %s, and keeps reporting until it is moved away',
    async (_, text, problem) => {
      await mkdir(join(dir, 'nested'));
      await writeFile(file, text);
      const errors: unknown[] = [];
      const store = createStore({ onError: (error) => errors.push(error) });
      await expect(store.load('api')).rejects.toThrow(problem);
      await expect(store.load('api')).rejects.toThrow(/never writes over a file it did not create/);

      const saved = store.save('api', state(1));
      await clock.advance(100);
      await expect(saved).rejects.toThrow(
        new RegExp(`Refusing to write breaker state file ${file}: it .*never writes over`),
      );
      await expect(store.flush()).rejects.toThrow(/Refusing to write/);
      expect(errors).toHaveLength(2);
      expect(await readFile(file, 'utf8')).toBe(text);
      expect((await listing()).filter((name) => name.includes('corrupt'))).toEqual([]);
      // The state is still this process's, and reaches the file once the path is free.
      expect(await store.load('api')).toEqual(state(1));
      await unlink(file);
      await store.flush();
      expect((await readJson()).breakers.api).toMatchObject({ version: 1 });
    },
  );

  it('keeps a damaged file even when the clock answers nonsense', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(file, 'damaged');
    const store = createStore({ clock: { ...systemClock, now: () => Number.NaN } });
    await expect(store.load('api')).rejects.toThrow(`kept as ${file}.corrupt-unknown-time and`);
    expect(await readFile(`${file}.corrupt-unknown-time`, 'utf8')).toBe('damaged');
  });

  it('refuses to replace a damaged file while no copy of it can be kept', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(file, 'damaged');
    const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
    for (let n = 1; n <= 100; n++) {
      await writeFile(`${file}.corrupt-${stamp}${n === 1 ? '' : `-${n}`}`, `earlier ${n}`);
    }
    const store = createStore();
    await expect(store.load('api')).rejects.toThrow(/could not be kept aside .*EEXIST/);
    const saved = store.save('api', state(1));
    await expect(store.flush()).rejects.toThrow(
      `Refusing to replace damaged breaker state file ${file}: a copy could not be kept`,
    );
    await expect(saved).rejects.toThrow(/Refusing to replace/);
    expect(await readFile(file, 'utf8')).toBe('damaged');

    await clock.advance(1);
    await store.flush();
    expect((await readJson()).breakers.api).toMatchObject({ version: 1 });
    const kept = `${file}.corrupt-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`;
    expect(await readFile(kept, 'utf8')).toBe('damaged');
  });

  it('never reads a file too large to be a state file, nor writes over it', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(file, '');
    await truncate(file, 65 * 1024 * 1024);
    const store = createStore();
    await expect(store.load('api')).rejects.toThrow(/is 68157440 bytes, too large/);
    const saved = store.save('api', state(1));
    await expect(store.flush()).rejects.toThrow(/Refusing to write/);
    await expect(saved).rejects.toThrow(/Refusing to write/);
    expect((await stat(file)).size).toBe(65 * 1024 * 1024);
  });

  it('rejects an invalid entry for one breaker only, naming the file and the breaker', async () => {
    await mkdir(join(dir, 'nested'));
    const good = { format: 'breakwater.state/1', ...state(1) };
    await writeFile(
      file,
      JSON.stringify({
        format: 'breakwater.store/1',
        breakers: { good, bad: { ...good, version: -1 } },
      }),
    );
    const store = createStore();
    expect(await store.load('good')).toEqual(state(1));
    await expect(store.load('bad')).rejects.toThrow(
      new RegExp(`${file}.*"bad".*\`version\` must be an integer from 0 to 2\\^52`),
    );
  });

  it('rejects the saves of a failed write, reports it to onError and retries on flush', async () => {
    const errors: unknown[] = [];
    const store = createStore({ onError: (error) => errors.push(error) });
    expect(await store.load('api')).toBeUndefined();
    // A non-empty directory where the file should be, once it has been read: the rename fails.
    await mkdir(join(file, 'occupied'), { recursive: true });
    const saved = store.save('api', state(1));
    await clock.advance(100);
    await expect(saved).rejects.toThrow(`Cannot write breaker state file ${file}`);
    expect(errors).toEqual([expect.objectContaining({ cause: expect.anything() })]);
    expect(await listing()).toEqual(['state.json', 'state.json.lock']);

    await rm(file, { recursive: true });
    await store.flush();
    expect(await (await reopen()).load('api')).toEqual(state(1));
    expect(errors).toHaveLength(1);
  });

  it('clears its timer on dispose after writing pending states, and refuses later saves', async () => {
    const store = createStore();
    store.save('api', state(1));
    expect(clock.pendingTimers).toBe(1);
    const disposed = store.dispose();
    expect(clock.pendingTimers).toBe(0);
    await disposed;
    expect((await readJson()).breakers.api).toMatchObject({ version: 1 });
    await expect(store.save('api', state(2))).rejects.toThrow(/is disposed/);
    expect(clock.pendingTimers).toBe(0);
  });

  it('resolves flush at once when nothing is pending', async () => {
    const store = createStore();
    await store.flush();
    expect(await exists(file)).toBe(false);
  });

  it('does not keep the process alive with the system clock', async () => {
    const handles: NodeJS.Timeout[] = [];
    const recording: Clock = {
      ...systemClock,
      setTimeout: (fn, ms) => {
        const handle = systemClock.setTimeout(fn, ms) as NodeJS.Timeout;
        handles.push(handle);
        return handle;
      },
    };
    const store = createStore({ clock: recording });
    store.save('api', state(1));
    expect(handles).toHaveLength(1);
    expect(handles[0]!.hasRef()).toBe(false);
    await store.dispose();
    expect((await readJson()).breakers.api).toMatchObject({ version: 1 });
  });

  it('refuses a second store on the file in this process until the first is disposed', async () => {
    const first = createStore();
    first.save('api', state(1));
    let error: unknown;
    try {
      createStore();
    } catch (thrown) {
      error = thrown;
    }
    expect(isStoreLockedError(error)).toBe(true);
    expect((error as Error).message).toMatch(/already open by another FileStore in this process/);
    await first.dispose();
    expect(await listing()).toEqual(['state.json']);
    expect(await createStore().load('api')).toEqual(state(1));
  });

  it('releases the lock on dispose even when the final write fails', async () => {
    const store = createStore();
    await store.load('api');
    await mkdir(join(file, 'occupied'), { recursive: true });
    const saved = store.save('api', state(1));
    await expect(store.dispose()).rejects.toThrow(/Cannot write breaker state file/);
    await expect(saved).rejects.toThrow(/Cannot write breaker state file/);
    expect(await listing()).toEqual(['state.json']);
    // Disposed: a later flush neither writes nor takes the lock again.
    await expect(store.flush()).rejects.toThrow(/is disposed/);
    expect(await listing()).toEqual(['state.json']);
  });

  it('removes temporary files that killed writers left, and nothing else', async () => {
    await mkdir(join(dir, 'nested'));
    const leftovers = [
      'state.json.4242.1k3j5x.tmp',
      'state.json.17.9zz.tmp',
      'state.json.lock.4242.0a1b2c3d.tmp',
      'state.json.lock.stale-4242-0a1b2c3d',
    ];
    const unrelated = ['state.json.backup.tmp', 'other.json.4242.1k3j5x.tmp', 'state.json.old'];
    for (const name of [...leftovers, ...unrelated]) {
      await writeFile(join(dir, 'nested', name), 'x');
    }
    createStore();
    expect(await listing()).toEqual([...unrelated, 'state.json.lock'].sort());
  });

  it('takes over a lock whose holder is gone', async () => {
    await mkdir(join(dir, 'nested'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(gone.stdout.toString());
    await writeLock({ pid: deadPid });
    const store = createStore();
    store.save('api', state(1));
    await store.flush();
    expect(await readLock()).toMatchObject({ pid: process.pid });
  });

  it('takes over a lock with its own pid left by an earlier process (a restart)', async () => {
    await mkdir(join(dir, 'nested'));
    // Another start time (Linux), or where that is unknown the same thread: an earlier process.
    await writeLock({ pid: process.pid, started: 1, thread: 0, token: 'earlier-process' });
    createStore();
    expect(await readLock()).toMatchObject({ pid: process.pid });
    expect((await readLock()).token).not.toBe('earlier-process');
  });

  it('refuses a lock that another thread of this process holds', async () => {
    const probe = createStore();
    const mine = await readLock();
    await probe.dispose();
    await writeLock({ ...mine, thread: mine.thread + 1, token: 'another-thread' });
    expect(() => createStore()).toThrow(/already open by another FileStore in this process/);
  });

  it('refuses a lock held on another host, or one it cannot read, naming the lock file', async () => {
    await mkdir(join(dir, 'nested'));
    await writeLock({ pid: 1, host: 'elsewhere' });
    expect(() => createStore()).toThrow(
      `Breaker state file ${file} is in use by process 1 on host "elsewhere" (lock file ${file}.lock)`,
    );
    await writeFile(`${file}.lock`, 'not a lock');
    expect(() => createStore()).toThrow(/lock file .*\.lock names no holder that can be read/);
    expect(await readFile(`${file}.lock`, 'utf8')).toBe('not a lock');
  });

  it('takes the lock again when its file was deleted, and refuses to write once another has it', async () => {
    const errors: unknown[] = [];
    const store = createStore({ onError: (error) => errors.push(error) });
    store.save('api', state(1));
    await store.flush();
    await unlink(`${file}.lock`);
    store.save('api', state(2));
    await store.flush();
    expect(await readLock()).toMatchObject({ pid: process.pid });

    await writeLock({ pid: 1, host: 'elsewhere' });
    const refused = store.save('api', state(3));
    await expect(store.flush()).rejects.toThrow(/in use by process 1 on host "elsewhere"/);
    await expect(refused).rejects.toThrow(StoreLockedError);
    expect(errors).toHaveLength(1);
    expect((await readJson()).breakers.api).toMatchObject({ version: 2 });
  });

  it('validates its options', () => {
    expect(() => new FileStore({} as never)).toThrow(/`path`/);
    expect(() => new FileStore({ path: file, debounceMs: -1 })).toThrow(BreakwaterConfigError);
    expect(() => new FileStore({ path: file, onError: 'log' as never })).toThrow(/`onError`/);
    expect(() => new FileStore({ path: file, debounce: 5 } as never)).toThrow(/`debounce`/);
    expect(() => new FileStore({ path: file, clock: {} as never })).toThrow(
      /`clock`: expected a Clock/,
    );
    const absolute = join(dir, 'relative', 'state.json');
    const fromCwd = new FileStore({ path: relative(process.cwd(), absolute) });
    stores.push(fromCwd);
    expect(fromCwd.path).toBe(absolute);
  });
});
