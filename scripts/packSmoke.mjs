#!/usr/bin/env node
// Packs every published package and proves the tarballs work where users get them: linted as
// published, installed by npm into a project outside the workspace, and run in every runtime we
// claim. `node scripts/toolchain.mjs pack-smoke`; part of `npm test`. Which packages: every
// non-private one under packages/ (scripts/lib/workspace.mjs), so a new package is covered by
// the generic steps (pack, lint, engines, one copy, import at its lowest Node) without an edit.
//
// Why each step is the way it is:
// - Build first (`tsc -b`, incremental: a no-op after the `test` target's typecheck). The
//   packages' `exports` point at `dist/`, which is git-ignored: a pack without a fresh build
//   would ship stale or missing files.
// - `pnpm pack`, not `npm pack`: only pnpm rewrites `workspace:^` into real ranges, which is
//   what `pnpm publish` does too. A workspace dependency pnpm cannot resolve (a package without a
//   `version`) fails here exactly as it would on publish.
// - publint (strict) and attw (`esm-only`; `node16` for a package with a `require` entry) read
//   each tarball's bytes (scripts/lib/lintTarball.mjs).
// - Manifests: `engines.node` is what each package needs (its dependencies' and required peers'
//   floors), internal dependencies are `workspace:^` and admit the versions published with them,
//   and Changesets versions them all together (scripts/lib/manifestChecks.mjs).
// - npm installs the tarballs into a scratch project in a temp dir, outside the workspace, so no
//   workspace link, `@breakwater/source` condition or hoisted dev dependency can hide a missing
//   file or dependency. `overrides` pin every `@breakwater/*` dependency to its tarball (npm
//   would otherwise look the version up in the registry). The clients (axios, got, ky, ws, msw,
//   undici) are installed at the exact versions the workspace tests against, with
//   `--prefer-offline`: after the first run they come from npm's cache, and the registry is only
//   asked for what the cache lacks (prom-client and @opentelemetry/api likewise, for the two
//   exporters). ccxt (an optional peer of @breakwater/exchanges, ~30 MB) is left out: the ccxt
//   guard has its own tests. Then no `@breakwater/*` package may be installed twice.
// - Then the checks against the installed packages: `smoke.mjs` runs one call through each
//   adapter against a loopback server (and a rejected one through an open breaker, proving the
//   breaker is really in the path, and requires the opossum drop-in through its CommonJS shim),
//   and `tsc` compiles `consumer.ts` and `consumer.cts` (the CommonJS view), which import every
//   entry point the way a TypeScript user does (NodeNext, no custom conditions), so a `types`
//   path or a `.d.ts` import that does not resolve fails.
// - Every runtime we claim (pack-smoke/runtimes.mjs): each package's entries imported at its
//   lowest claimed Node (installed from npm, started at the beginning so the download overlaps),
//   and runtime/smoke.js (a breaker through open and recovery, alone and through the fetch and ky
//   adapters) in Deno, Bun and headless Chromium.
// Typical run on these machines: ~30 s with warm caches (see the log's per-step seconds).
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
import { join } from 'node:path';
import { lintTarball } from './lib/lintTarball.mjs';
import {
  checkDocsCoverage,
  checkEngines,
  checkFixedVersioning,
  checkInternalRanges,
  checkSingleCopies,
  checkWorkspaceRanges,
} from './lib/manifestChecks.mjs';
import { compareVersions, rangeFloor } from './lib/nodeVersions.mjs';
import {
  installedManifest,
  log,
  publishedPackages,
  root,
  seconds,
  step,
} from './lib/workspace.mjs';
import {
  installRuntimeSmoke,
  runBun,
  runChromium,
  runDeno,
  runNodeFloors,
  startNodeFloors,
} from './pack-smoke/runtimes.mjs';

const tag = 'pack-smoke';
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

function fail(title, problems) {
  if (problems.length === 0) return;
  throw new Error(`${title}:\n  ${problems.join('\n  ')}`);
}

async function main() {
  const published = publishedPackages();
  const engines = checkEngines(published);
  fail('engines.node does not match what the packages need', engines.problems);
  fail('internal dependency ranges', [
    ...checkWorkspaceRanges(published),
    ...checkFixedVersioning(published),
  ]);
  fail('entries the API reference would leave out', checkDocsCoverage(published));
  const floors = startNodeFloors(
    engines.floors.map(({ pkg, floor }) => ({ floor, entries: pkg.entries })),
  );
  const byName = new Map(published.map((pkg) => [pkg.name, pkg]));
  const adapterFloor = ['@breakwater/fetch', '@breakwater/ky']
    .map((name) => rangeFloor(byName.get(name)?.manifest.engines?.node))
    .sort((a, b) => compareVersions(b, a))[0];

  const scratch = mkdtempSync(join(tmpdir(), 'breakwater-pack-smoke-'));
  let passed = false;
  try {
    step(tag, 'build', 'tsc', ['-b']);
    const tarballs = join(scratch, 'tarballs');
    step(tag, 'pnpm pack', 'pnpm', [
      '--recursive',
      ...published.flatMap(({ dir }) => ['--filter', `./packages/${dir}`]),
      'pack',
      '--pack-destination',
      tarballs,
    ]);
    const files = readdirSync(tarballs);
    const local = {};
    const lintStarted = performance.now();
    const lintProblems = [];
    for (const pkg of published) {
      if (!files.includes(pkg.tarball))
        throw new Error(`pnpm pack wrote no ${pkg.tarball} (found ${files})`);
      const path = join(tarballs, pkg.tarball);
      const listing = step(tag, `list ${pkg.tarball}`, 'tar', ['-tzf', path], {
        cwd: scratch,
      }).split('\n');
      for (const required of ['package/LICENSE', 'package/README.md', 'package/dist/index.js']) {
        if (!listing.includes(required)) lintProblems.push(`${pkg.tarball} lacks ${required}`);
      }
      const { profile, problems } = await lintTarball(
        pkg,
        path,
        new Uint8Array(readFileSync(path)),
      );
      lintProblems.push(...problems.map((problem) => `${pkg.name}: ${problem}`));
      log(
        tag,
        `${pkg.name}: publint --strict, attw --profile ${profile}: ${problems.length === 0 ? 'ok' : `${problems.length} problems`}`,
      );
      local[pkg.name] = `file:${path}`;
    }
    log(tag, `lint ${published.length} tarballs (${seconds(lintStarted)} s)`);
    fail('the packed packages have problems', lintProblems);

    const project = join(scratch, 'project');
    mkdirSync(project);
    const dependencies = { ...local };
    for (const [name, dir] of Object.entries(clients)) {
      dependencies[name] = installedManifest(
        name,
        dir === '.' ? root : join(root, 'packages', dir),
      ).version;
    }
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'breakwater-pack-smoke', private: true, type: 'module', dependencies, overrides: local }, null, 2)}\n`,
    );
    step(
      tag,
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
      { cwd: project },
    );
    fail('more than one copy', [
      ...checkInternalRanges(project, published),
      ...checkSingleCopies(project),
    ]);
    log(tag, 'one copy of each @breakwater package, internal ranges admit this release');

    for (const file of ['smoke.mjs', 'consumer.ts', 'consumer.cts', 'tsconfig.json']) {
      copyFileSync(join(here, file), join(project, file));
    }
    step(tag, 'run smoke.mjs', process.execPath, ['smoke.mjs'], { cwd: project });
    step(tag, 'tsc consumer.ts', 'tsc', ['-p', 'tsconfig.json'], { cwd: project });

    installRuntimeSmoke(project);
    await runNodeFloors(project, floors, adapterFloor);
    runDeno(project);
    runBun(project);
    await runChromium(project);
    passed = true;
  } finally {
    if (passed) rmSync(scratch, { recursive: true, force: true });
    else log(tag, `left ${scratch} for inspection`);
  }
}

await main();
