// What the release scripts know about the workspace, read from the manifests alone: every
// directory under packages/ whose package.json is not `private` is published, with every entry
// its `exports` names. Nothing here lists packages by name, so a package added later is packed,
// linted, measured, smoked and documented without touching the scripts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * @typedef {object} PublishedPackage
 * @property {string} dir      the directory under packages/
 * @property {string} path     its absolute path
 * @property {string} name     e.g. `@breakwater/core`
 * @property {Record<string, any>} manifest
 * @property {string[]} entries the import specifiers of its JavaScript entries, e.g.
 *   `@breakwater/core`, `@breakwater/core/node` (not `./package.json`)
 * @property {string} tarball  the file name `pnpm pack` gives it
 */

/** @returns {PublishedPackage[]} every non-private package under packages/, sorted by dir. */
export function publishedPackages() {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
    .sort()
    .map((dir) => {
      const path = join(packagesDir, dir);
      const manifest = readJson(join(path, 'package.json'));
      return { dir, path, manifest, name: manifest.name };
    })
    .filter(({ manifest }) => manifest.private !== true)
    .map((pkg) => ({
      ...pkg,
      entries: entrySpecifiers(pkg.manifest),
      tarball: `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.manifest.version}.tgz`,
    }));
}

function entrySpecifiers(manifest) {
  const exportsField = manifest.exports;
  if (exportsField === undefined) return [manifest.name];
  if (typeof exportsField === 'string' || !Object.keys(exportsField)[0]?.startsWith('.')) {
    return [manifest.name];
  }
  return Object.keys(exportsField)
    .filter((subpath) => !subpath.endsWith('.json') && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

/** The version of `name` installed for the workspace package in `dir` (what its tests run on). */
export function installedManifest(name, dir) {
  return readJson(join(dir, 'node_modules', name, 'package.json'));
}

function describe(command, args) {
  return `\`${[command, ...args].join(' ')}\``;
}

/**
 * Runs one step of a script synchronously, its output captured and shown only when it fails;
 * logs `[tag] title (seconds)`. Returns stdout.
 */
export function step(tag, title, command, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // pnpm, npm and tsc are `.cmd` shims on Windows.
    shell: process.platform === 'win32',
    ...options,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`${title} failed: ${describe(command, args)} exited with ${result.status}`);
  }
  log(tag, `${title} (${seconds(started)} s)`);
  return result.stdout;
}

/** {@link step}, without blocking: for slow downloads that can overlap other steps. */
export function stepAsync(tag, title, command, args, options = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      ...options,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      if (status === 0) {
        log(tag, `${title} (${seconds(started)} s)`);
        resolve(output);
        return;
      }
      process.stderr.write(output);
      reject(new Error(`${title} failed: ${describe(command, args)} exited with ${status}`));
    });
  });
}

export function seconds(started) {
  return ((performance.now() - started) / 1000).toFixed(1);
}

export function log(tag, message) {
  process.stderr.write(`[${tag}] ${message}\n`);
}
