import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the main entry of @breakwater/core', () => {
  const files = sources(src);

  it('imports no node: module and no package', () => {
    const offenders = files.filter((file) =>
      /from\s+'(?!\.{1,2}\/)[^']+'/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders.map((file) => relative(src, file))).toEqual([]);
  });

  it('never touches process, Date.now() or global timers outside the system clock', () => {
    const offenders = files.filter((file) => {
      if (file.endsWith('Clock.ts')) return false;
      // parseRetryAfter reads Date.now() only when a standalone caller passes no time.
      if (file.endsWith('parseRetryAfter.ts')) return false;
      // emitWarning looks process up on globalThis, guarded, and falls back to console.warn.
      if (file.endsWith('emitWarning.ts')) return false;
      // The system clock's shared deadline timers: used only when the clock is systemClock.
      if (file.endsWith('deadlineLanes.ts')) return false;
      const code = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
      return /\bprocess\??\.|\bDate\.now\(|(?<![.\w])setTimeout\(|(?<![.\w])setInterval\(/.test(
        code,
      );
    });
    expect(offenders.map((file) => relative(src, file))).toEqual([]);
  });
});
