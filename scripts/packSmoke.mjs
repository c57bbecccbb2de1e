#!/usr/bin/env node
// Packs every published package and proves the tarballs work where users get them: installed by
// npm into a project outside the workspace. `node scripts/toolchain.mjs pack-smoke`; part of
// `npm test`.
//
// Why each step is the way it is:
// - Build first (`tsc -b`, incremental: a no-op after the `test` target's typecheck). The
//   packages' `exports` point at `dist/`, which is git-ignored: a pack without a fresh build
//   would ship stale or missing files.
// - `pnpm pack`, not `npm pack`: only pnpm rewrites `workspace:*` into real versions, which is
//   what `pnpm publish` does too. A workspace dependency pnpm cannot resolve (a package without a
//   `version`) fails here exactly as it would on publish.
// - npm installs the tarballs into a scratch project in a temp dir, outside the workspace, so no
//   workspace link, `@breakwater/source` condition or hoisted dev dependency can hide a missing
//   file or dependency. `overrides` pin every `@breakwater/*` dependency to its tarball (npm
//   would otherwise look `0.0.0` up in the registry). The clients (axios, got, ky, ws, msw,
//   undici) are installed at the exact versions the workspace tests against, with
//   `--prefer-offline`: after the first run they come from npm's cache, and the registry is only
//   asked for what the cache lacks (prom-client and @opentelemetry/api likewise, for the two
//   exporters). ccxt (an optional peer of @breakwater/exchanges, ~30 MB) is
//   left out: the ccxt guard has its own tests.
// - Then two checks against the installed packages: `smoke.mjs` runs one call through each
//   adapter against a loopback server (and a rejected one through an open breaker, proving the
//   breaker is really in the path, and requires the opossum drop-in through its CommonJS shim),
//   and `tsc` compiles `consumer.ts` and `consumer.cts` (the CommonJS view), which import every entry
//   point the way a TypeScript user does (NodeNext, no custom conditions), so a `types` path or a
//   `.d.ts` import that does not resolve fails.
// Typical run on these machines: ~20 s with a warm npm cache (pack 3 s, install 9 s, checks 5 s).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const here = join(root, 'scripts', 'pack-smoke');
/** The clients the scratch project installs, with the workspace package that tests against each. */
const clients = {
  axios: 'axios',
  got: 'got',
  ky: 'ky',
  ws: 'ws',
  '@types/ws': 'ws',
  msw: 'msw',
  undici: 'fetch',
  'prom-client': 'prometheus',
  '@opentelemetry/api': 'otel',
  '@types/node': '.',
};

function step(title, command, args, cwd = root) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    // pnpm, npm and tsc are `.cmd` shims on Windows.
    shell: process.platform === 'win32',
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(
      `${title} failed: \`${command} ${args.join(' ')}\` exited with ${result.status}`,
    );
  }
  process.stderr.write(`[pack-smoke] ${title} (${seconds} s)\n`);
  return result.stdout;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The version of `name` installed for the workspace package in `dir` (what its tests run on). */
function installedVersion(name, dir) {
  return readJson(
    join(root, dir === '.' ? '' : `packages/${dir}`, 'node_modules', name, 'package.json'),
  ).version;
}

function main() {
  const published = readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir, manifest: readJson(join(root, 'packages', dir, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true);
  const scratch = mkdtempSync(join(tmpdir(), 'breakwater-pack-smoke-'));
  let passed = false;
  try {
    step('build', 'tsc', ['-b']);
    const tarballs = join(scratch, 'tarballs');
    step('pnpm pack', 'pnpm', [
      '--recursive',
      ...published.flatMap(({ dir }) => ['--filter', `./packages/${dir}`]),
      'pack',
      '--pack-destination',
      tarballs,
    ]);
    const files = readdirSync(tarballs);
    const local = {};
    for (const { manifest } of published) {
      const file = `${manifest.name.slice(1).replace('/', '-')}-${manifest.version}.tgz`;
      if (!files.includes(file)) throw new Error(`pnpm pack wrote no ${file} (found ${files})`);
      const listing = step(`list ${file}`, 'tar', ['-tzf', join(tarballs, file)], scratch);
      for (const required of ['package/LICENSE', 'package/README.md', 'package/dist/index.js']) {
        if (!listing.split('\n').includes(required)) throw new Error(`${file} lacks ${required}`);
      }
      local[manifest.name] = `file:${join(tarballs, file)}`;
    }
    const project = join(scratch, 'project');
    mkdirSync(project);
    const dependencies = { ...local };
    for (const [name, dir] of Object.entries(clients)) {
      dependencies[name] = installedVersion(name, dir);
    }
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify(
        {
          name: 'breakwater-pack-smoke',
          private: true,
          type: 'module',
          dependencies,
          overrides: local,
        },
        null,
        2,
      )}\n`,
    );
    step(
      'npm install',
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-package-lock',
        '--loglevel=error',
      ],
      project,
    );
    for (const file of ['smoke.mjs', 'consumer.ts', 'consumer.cts', 'tsconfig.json']) {
      copyFileSync(join(here, file), join(project, file));
    }
    step('run smoke.mjs', process.execPath, ['smoke.mjs'], project);
    step('tsc consumer.ts', 'tsc', ['-p', 'tsconfig.json'], project);
    passed = true;
  } finally {
    if (passed) rmSync(scratch, { recursive: true, force: true });
    else process.stderr.write(`[pack-smoke] left ${scratch} for inspection\n`);
  }
}

main();
