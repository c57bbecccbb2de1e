#!/usr/bin/env node
// Bundle-size budgets: `node scripts/toolchain.mjs size [--write]`, part of `npm test`.
//
// Each published package's entries (every `exports` subpath, found in the manifests, so a new
// package is measured without an edit) are bundled from the built `dist/` with esbuild, minified
// and gzipped (level 9), with the package's own dependencies and peers external: what the entry
// adds on top of the core and the client a user already has. Two more rows measure the core the
// way a user pays for it: an entry that imports only `CircuitBreaker`, and the whole main entry.
// The budgets live in scripts/size-budgets.json (bytes, gzipped); an entry over its budget
// fails, an entry without one is listed. `--write` records the table in the root README between
// the `sizes` markers; without it, a README figure more than 5% (and 100 B) off fails, so the
// recorded sizes stay true.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { log, publishedPackages, readJson, root } from './lib/workspace.mjs';

const tag = 'size';
const readme = join(root, 'README.md');
const markers = ['<!-- sizes:start -->', '<!-- sizes:end -->'];

/** The file an `exports` target resolves to for a bundler (`import`, then `default`). */
function resolveTarget(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const condition of ['import', 'default']) {
    const resolved = condition in target ? resolveTarget(target[condition]) : undefined;
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

function entryFile(pkg, specifier) {
  const subpath = specifier === pkg.name ? '.' : `./${specifier.slice(pkg.name.length + 1)}`;
  const file = resolveTarget(pkg.manifest.exports?.[subpath]);
  if (file === undefined) throw new Error(`${specifier}: no import target in exports`);
  return join(pkg.path, file);
}

/**
 * Minified and gzipped bytes of a bundle of `contents`, with `external` left out, and the
 * minified bytes each module puts in it.
 */
export async function measure(contents, external) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external: ['node:*', ...external],
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const [output] = Object.values(result.metafile.outputs);
  const modules = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => [path.replace(/^.*\/packages\//, ''), bytesInOutput])
    .sort(([, a], [, b]) => b - a);
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, modules };
}

function externalsOf(manifest) {
  return Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).flatMap((name) => [
    name,
    `${name}/*`,
  ]);
}

/** Every measured row: `{ name, what, minified, gzipped }`. */
export async function measureAll() {
  const packages = publishedPackages();
  const core = packages.find((pkg) => pkg.name === '@breakwater/core');
  const rows = [];
  if (core !== undefined) {
    const main = JSON.stringify(entryFile(core, core.name));
    rows.push({
      name: '@breakwater/core: CircuitBreaker only',
      what: '`import { CircuitBreaker }`, nothing external',
      ...(await measure(`export { CircuitBreaker } from ${main};`, [])),
    });
  }
  for (const pkg of packages) {
    for (const specifier of pkg.entries) {
      const file = JSON.stringify(entryFile(pkg, specifier));
      rows.push({
        name: specifier,
        what:
          pkg.name === '@breakwater/core'
            ? 'every export'
            : 'every export, core and client external',
        ...(await measure(`export * as entry from ${file};`, externalsOf(pkg.manifest))),
      });
    }
  }
  return rows;
}

/** kB as size-limit and bundlephobia print them: 1 kB = 1,000 B. */
function kB(bytes) {
  return `${(bytes / 1000).toFixed(2)} kB`;
}

function table(rows, budgets) {
  const lines = [
    '| entry | what is bundled | minified | gzipped | budget (gzipped) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const budget = budgets[row.name];
    lines.push(
      `| \`${row.name}\` | ${row.what} | ${kB(row.minified)} | ${kB(row.gzipped)} | ${budget === undefined ? '' : kB(budget)} |`,
    );
  }
  return lines.join('\n');
}

/** The gzipped sizes the README records, by entry name. */
function recorded(text) {
  const start = text.indexOf(markers[0]);
  const end = text.indexOf(markers[1]);
  if (start === -1 || end === -1) return undefined;
  const sizes = new Map();
  for (const line of text.slice(start, end).split('\n')) {
    const match = /^\| `([^`]+)` \|[^|]*\|[^|]*\| ([\d.]+) kB \|/.exec(line);
    if (match !== null) sizes.set(match[1], Number(match[2]) * 1000);
  }
  return sizes;
}

async function main() {
  const write = process.argv.includes('--write');
  const explain = process.argv.includes('--explain');
  const budgets = readJson(join(root, 'scripts', 'size-budgets.json')).gzippedBytes;
  const rows = await measureAll();
  const problems = [];
  for (const row of rows) {
    const budget = budgets[row.name];
    const verdict = budget === undefined ? 'no budget' : row.gzipped <= budget ? 'ok' : 'OVER';
    log(
      tag,
      `${row.name}: ${kB(row.gzipped)} gzipped (${kB(row.minified)} minified) ${budget === undefined ? '' : `budget ${kB(budget)} `}${verdict}`,
    );
    if (explain && row.modules.length > 1) {
      for (const [path, bytes] of row.modules)
        log(tag, `    ${String(bytes).padStart(6)} B  ${path}`);
    }
    if (budget !== undefined && row.gzipped > budget) {
      problems.push(`${row.name} is ${row.gzipped} B gzipped, over its budget of ${budget} B`);
    }
  }
  for (const name of Object.keys(budgets)) {
    if (!rows.some((row) => row.name === name))
      problems.push(`budget for "${name}", which is not measured`);
  }
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(markers[0]);
  const end = text.indexOf(markers[1]);
  if (start === -1 || end === -1)
    problems.push(`README.md lacks the ${markers.join(' … ')} markers`);
  else if (write) {
    writeFileSync(
      readme,
      `${text.slice(0, start + markers[0].length)}\n${table(rows, budgets)}\n${text.slice(end)}`,
    );
    log(tag, 'recorded the sizes in README.md');
  } else {
    const sizes = recorded(text);
    for (const row of rows) {
      const figure = sizes.get(row.name);
      const off = figure === undefined ? Number.POSITIVE_INFINITY : Math.abs(figure - row.gzipped);
      if (off > Math.max(100, row.gzipped * 0.05)) {
        problems.push(
          `README.md records ${figure === undefined ? 'no size' : kB(figure)} for ${row.name}, measured ${kB(row.gzipped)}: run \`npm run size -- --write\``,
        );
      }
    }
  }
  if (problems.length > 0) throw new Error(`size budgets:\n  ${problems.join('\n  ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
