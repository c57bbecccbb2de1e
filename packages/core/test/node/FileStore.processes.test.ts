import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FileStore, isStoreLockedError, StoreLockedError } from '@breakwater/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Real processes on one file: the toolchain's Node (`process.execPath`) runs the fixture from
 * source, as a user's program would run the built package.
 */
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'storeProcess.ts');

let dir: string;
let file: string;
const children = new Set<ChildProcessWithoutNullStreams>();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-processes-'));
  file = join(dir, 'state.json');
});

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([...children].map(exited));
  await rm(dir, { recursive: true, force: true });
});

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Resolves with the next line the child prints. */
  readonly nextLine: () => Promise<string>;
}

function start(mode: 'hold' | 'churn'): Child {
  const child = spawn(process.execPath, ['--conditions=@breakwater/source', fixture, file, mode], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (next === undefined) lines.push(line);
    else next(line);
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`child exited (${code}): ${errors}`)));
    });
  return { process: child, nextLine };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('FileStore across processes', () => {
  it('refuses a second process with an error naming the first, until it lets go', async () => {
    const first = start('hold');
    expect(await first.nextLine()).toBe(`ready ${first.process.pid}`);

    // A second process gets a clear error and exits.
    const second = start('hold');
    const refused = await second.nextLine();
    expect(refused).toMatch(
      new RegExp(
        `^error BREAKWATER_STORE_LOCKED Breaker state file ${file} is in use by process ` +
          `${first.process.pid} on host ".+" \\(lock file ${file}\\.lock\\)`,
      ),
    );
    await exited(second.process);
    expect(second.process.exitCode).toBe(2);

    // So does this one, with the holder in the error.
    let error: unknown;
    try {
      new FileStore({ path: file });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(StoreLockedError);
    expect(isStoreLockedError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'BREAKWATER_STORE_LOCKED',
      path: file,
      lockPath: `${file}.lock`,
      holder: { pid: first.process.pid },
    });

    // Once the first disposes its store, the file is free, with the first's breaker in it.
    first.process.stdin.write('exit\n');
    await exited(first.process);
    expect(first.process.exitCode).toBe(0);
    const store = new FileStore({ path: file });
    try {
      expect(await store.load(`held-by-${first.process.pid}`)).toMatchObject({ version: 1 });
      expect(await readdir(dir)).toEqual(['state.json', 'state.json.lock']);
    } finally {
      await store.dispose();
    }
    expect(await readdir(dir)).toEqual(['state.json']);
  }, 30_000);

  it('recovers after kill -9 mid-write: stale lock taken over, no leftovers, a whole file', async () => {
    const runs = 12;
    for (let run = 0; run < runs; run++) {
      const writer = start('churn');
      expect(await writer.nextLine()).toBe('opened');
      // Kill it after a varying number of writes, at whatever point of the next one it is.
      for (let writes = 0; writes <= run % 4; writes++) {
        expect(await writer.nextLine()).toMatch(/^wrote \d+$/);
      }
      writer.process.kill('SIGKILL');
      await exited(writer.process);
      expect(await readdir(dir)).toContain('state.json.lock');

      // The next process opens the file: the dead holder's lock is stale.
      const store = new FileStore({ path: file });
      try {
        expect((await readdir(dir)).sort()).toEqual(['state.json', 'state.json.lock']);
        const text = await readFile(file, 'utf8');
        const { breakers } = JSON.parse(text) as { breakers: Record<string, unknown> };
        expect(Object.keys(breakers)).toHaveLength(50);
        expect(await store.load('breaker-0')).toMatchObject({ state: 'open' });
      } finally {
        await store.dispose();
      }
    }
  }, 120_000);

  it('lets exactly one of two processes starting at once take over a stale lock', async () => {
    for (let round = 0; round < 3; round++) {
      const dead = start('churn');
      expect(await dead.nextLine()).toBe('opened');
      dead.process.kill('SIGKILL');
      await exited(dead.process);

      const racers = [start('hold'), start('hold')];
      const answers = await Promise.all(racers.map((racer) => racer.nextLine()));
      const ready = answers.filter((line) => line.startsWith('ready '));
      const refused = answers.filter((line) => line.startsWith('error BREAKWATER_STORE_LOCKED '));
      expect({ ready: ready.length, refused: refused.length }).toEqual({ ready: 1, refused: 1 });
      // Only the holder still runs: the refused one exits by itself, and writing to its closed
      // stdin would raise EPIPE.
      racers.forEach((racer, i) => {
        if (answers[i]!.startsWith('ready ')) racer.process.stdin.write('exit\n');
      });
      await Promise.all(racers.map((racer) => exited(racer.process)));
      expect((await readdir(dir)).sort()).toEqual(['state.json']);
    }
  }, 60_000);
});
