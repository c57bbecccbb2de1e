import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
// The command's code, through the package's private import (not part of the public API).
import { runClassifyCli } from '#classify-cli';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../src/bin/breakwater-classify.ts', import.meta.url));

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function saved(name: string, text: string): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), 'breakwater-classify-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Runs the command in-process on `files`, as the bin would. */
async function cli(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClassifyCli(args, {
    read: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`no such file: ${path}`);
      return text;
    },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  return { code, out: out.join(''), err: err.join('') };
}

const raw = [
  'HTTP/1.1 100 Continue',
  '',
  'HTTP/2 200',
  'Content-Type: application/json; charset=utf-8',
  'Set-Cookie: session=secret-cookie',
  '',
  '{"error":["EService: Throttled: 1767225642"]}',
].join('\r\n');

describe('breakwater-classify', () => {
  it('classifies a raw HTTP response saved with curl -i', async () => {
    const { code, out } = await cli(
      [
        '--exchange',
        'kraken',
        '--url',
        'https://api.kraken.com/0/private/AddOrder?otp=123456',
        '--method=POST',
        '--now',
        '2026-01-01T00:00:00Z',
        'saved.txt',
      ],
      { 'saved.txt': raw },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      verdict: 'failure',
      category: 'rate_limit',
      retryAfterMs: 42_000,
      uncertainEffect: false,
      exchange: 'kraken',
      group: 'order',
      endpoint: '/0/private/AddOrder',
      key: 'kraken:api.kraken.com:order',
      idempotent: false,
    });
    // Neither the query nor a response header reaches the output.
    expect(out).not.toMatch(/otp|123456|secret-cookie/);
  });

  it('classifies a JSON report with its request, response and time', async () => {
    const report = JSON.stringify({
      exchange: 'okx',
      request: { method: 'POST', url: 'https://www.okx.com/api/v5/trade/batch-orders' },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { code: '2', msg: '', data: [{ sCode: '0' }, { sCode: '51008', sMsg: 'No funds' }] },
      },
      now: 1_767_225_600_000,
    });
    const { code, out } = await cli(['report.json'], { 'report.json': report });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      verdict: 'ignore',
      category: 'client',
      failedItems: [{ index: 1, code: '51008', message: 'No funds' }],
      key: 'okx:www.okx.com:order',
    });
  });

  it('explains bad input with exit code 2', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[], {}, /`<file>`/],
      [['--exchange', 'ftx', '--url', 'https://x.test/', 'r.txt'], { 'r.txt': raw }, /`exchange`/],
      [['--exchange', 'kraken', 'r.txt'], { 'r.txt': raw }, /`url`/],
      [['--exchange', 'kraken', '--url', 'x', 'r.txt'], { 'r.txt': raw }, /`request.url`/],
      [
        ['--exchange', 'kraken', '--url', 'https://x.test/', 'r.txt'],
        { 'r.txt': 'hi' },
        /status line/,
      ],
      [
        ['--exchange', 'kraken', '--url', 'https://x.test/', '--now', 'later', 'r.txt'],
        { 'r.txt': raw },
        /`now`/,
      ],
      [['--bogus', 'r.txt'], { 'r.txt': raw }, /`arguments`/],
      [['r.json'], { 'r.json': '{"exchange":' }, /JSON/],
    ];
    for (const [args, files, message] of cases) {
      const result = await cli(args, files);
      expect([result.code, result.out], args.join(' ')).toEqual([2, '']);
      expect(result.err).toMatch(message);
      expect(result.err).toContain('Usage: breakwater-classify');
    }
  });

  // Three Node processes that load the sources: seconds on a busy machine.
  it('runs as a bin on a file and on standard input', { timeout: 30_000 }, async () => {
    const path = await saved('saved.txt', raw);
    const args = ['--conditions=@breakwater/source', bin, '--exchange', 'kraken'];
    const url = ['--url', 'https://api.kraken.com/0/private/Balance', '--now', '1767225600000'];
    const fromFile = await run(process.execPath, [...args, ...url, path]);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ category: 'rate_limit', group: 'private' });

    const child = execFile(process.execPath, [...args, ...url, '-']);
    child.stdin?.end(raw);
    let stdout = '';
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const exitCode = await new Promise((resolve) => child.on('close', resolve));
    expect([exitCode, JSON.parse(stdout).retryAfterMs]).toEqual([0, 42_000]);

    const failed = await run(process.execPath, [...args, path]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringMatching(/`url`/) });
  });
});
