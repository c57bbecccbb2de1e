// Checks on the published manifests that no single tool makes: each package's `engines.node` is
// exactly what it needs, its `@breakwater/*` dependencies resolve to one copy, and Changesets
// versions every package together.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compareVersions, formatVersion, rangeFloor } from './nodeVersions.mjs';
import { installedManifest, readJson, root } from './workspace.mjs';

/**
 * The lowest Node each package may claim: the repository's floor for published packages (root
 * package.json `toolchain.publishedNodeFloor`: `require(esm)` without a flag, which the opossum
 * drop-in's CommonJS entry needs), raised by the `engines` of every dependency and every
 * required peer, read from the version the package's tests run against. An optional peer
 * (undici for `@breakwater/fetch/node`, ccxt) does not raise it: the package works without it,
 * and its README names the peer's own floor.
 */
export function requiredNodeFloor(pkg, byName) {
  const reasons = [
    [
      rangeFloor(readJson(join(root, 'package.json')).toolchain.publishedNodeFloor),
      'the repository floor',
    ],
  ];
  const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = pkg.manifest;
  for (const name of Object.keys(dependencies)) {
    const engines = byName.get(name)?.manifest.engines ?? installedManifest(name, pkg.path).engines;
    reasons.push([rangeFloor(engines?.node), `dependency ${name}`]);
  }
  for (const name of Object.keys(peerDependencies)) {
    if (peerDependenciesMeta[name]?.optional === true) continue;
    const manifest = installedManifest(name, pkg.path);
    reasons.push([rangeFloor(manifest.engines?.node), `peer ${name}@${manifest.version}`]);
  }
  return reasons.sort(([a], [b]) => compareVersions(b, a))[0];
}

/** Problems with each package's declared `engines.node` against {@link requiredNodeFloor}. */
export function checkEngines(packages) {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const problems = [];
  const floors = [];
  for (const pkg of packages) {
    const declared = pkg.manifest.engines?.node;
    const [floor, reason] = requiredNodeFloor(pkg, byName);
    const wanted = `>=${formatVersion(floor).replace(/(\.0)+$/, '')}`;
    if (declared === undefined || compareVersions(rangeFloor(declared), floor) !== 0) {
      problems.push(
        `${pkg.name}: engines.node is ${JSON.stringify(declared)}, expected "${wanted}" (${reason})`,
      );
    }
    floors.push({ pkg, floor });
  }
  return { problems, floors };
}

/** Whether `version` satisfies an npm range of the forms pnpm writes (`1.2.3`, `^1.2.3`, `~…`, `>=…`). */
function rangeAdmits(range, version) {
  const v = version.split('.').map(Number);
  return range.split('||').some((part) => {
    const match = /^\s*(\^|~|>=)?\s*(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (match === null) return false;
    const [, operator, ...rest] = match;
    const floor = rest.map(Number);
    if (operator === undefined) return compareVersions(v, floor) === 0;
    if (compareVersions(v, floor) < 0) return false;
    if (operator === '>=') return true;
    if (operator === '~') return v[0] === floor[0] && v[1] === floor[1];
    // ^0.y.z pins the minor, ^0.0.z the patch: npm's caret on a 0.x version.
    if (floor[0] !== 0) return v[0] === floor[0];
    if (floor[1] !== 0) return v[0] === 0 && v[1] === floor[1];
    return compareVersions(v, floor) === 0;
  });
}

/**
 * Every `@breakwater/*` dependency of every packed manifest (as npm installed it in `project`)
 * admits the version being published of that package: a user who installs this release gets
 * one copy of each, the core above all.
 */
export function checkInternalRanges(project, packages) {
  const versions = new Map(packages.map((pkg) => [pkg.name, pkg.manifest.version]));
  const problems = [];
  for (const pkg of packages) {
    const packed = readJson(join(project, 'node_modules', pkg.name, 'package.json'));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(packed[field] ?? {})) {
        if (!versions.has(name)) continue;
        if (!rangeAdmits(range, versions.get(name))) {
          problems.push(
            `${pkg.name}: ${field}.${name} "${range}" does not admit ${versions.get(name)}`,
          );
        }
      }
    }
  }
  return problems;
}

/** Any `@breakwater/*` package npm installed more than once in `project` (a nested copy). */
export function checkSingleCopies(project) {
  const seen = new Map();
  const visit = (modules, depth) => {
    if (!existsSync(modules) || depth > 6) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@')
        ? readdirSync(join(modules, entry)).map((inner) => `${entry}/${inner}`)
        : [entry];
      for (const name of names) {
        const dir = join(modules, name);
        if (name.startsWith('@breakwater/')) seen.set(name, [...(seen.get(name) ?? []), dir]);
        visit(join(dir, 'node_modules'), depth + 1);
      }
    }
  };
  visit(join(project, 'node_modules'), 0);
  return [...seen]
    .filter(([, dirs]) => dirs.length > 1)
    .map(([name, dirs]) => `${name} is installed ${dirs.length} times: ${dirs.join(', ')}`);
}

/** The Changesets config versions every published package in one `fixed` group. */
export function checkFixedVersioning(packages) {
  const { fixed = [] } = readJson(join(root, '.changeset', 'config.json'));
  const matches = (pattern, name) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
  const group = fixed.find((patterns) =>
    packages.some((pkg) => patterns.some((p) => matches(p, pkg.name))),
  );
  const outside = packages.filter((pkg) => !group?.some((pattern) => matches(pattern, pkg.name)));
  return outside.map(
    (pkg) => `${pkg.name} is not in the \`fixed\` group of .changeset/config.json`,
  );
}

/**
 * A published package depends on another of ours as `workspace:^`: pnpm publishes `^<version>`,
 * so a user who upgrades one package while another still asks for an older version of the same
 * line gets one copy, the newer. (`workspace:*` would publish an exact version: two copies.)
 */
export function checkWorkspaceRanges(packages) {
  const problems = [];
  for (const pkg of packages) {
    for (const field of ['dependencies', 'peerDependencies']) {
      for (const [name, range] of Object.entries(pkg.manifest[field] ?? {})) {
        if (name.startsWith('@breakwater/') && range !== 'workspace:^') {
          problems.push(`${pkg.name}: ${field}.${name} is "${range}", expected "workspace:^"`);
        }
      }
    }
  }
  return problems;
}

/** The `@breakwater/source` file of an `exports` target (nested under `require`/`default` or not). */
function sourceOf(target) {
  const source = target?.['@breakwater/source'];
  return typeof source === 'object' && source !== null ? source.default : source;
}

/**
 * Every entry reaches the TypeDoc reference. TypeDoc documents a package from its `tsconfig.json`
 * program and silently leaves out an entry whose sources belong to another TypeScript project
 * (`src/node`, `src/testing`, built apart for their own `types`); such a package needs a
 * `typedoc.json` naming a solution-style `tsconfig.docs.json` that references that project.
 */
export function checkDocsCoverage(packages) {
  const problems = [];
  for (const pkg of packages) {
    const options = existsSync(join(pkg.path, 'typedoc.json'))
      ? readJson(join(pkg.path, 'typedoc.json'))
      : {};
    const docsConfig = readJson(join(pkg.path, options.tsconfig ?? 'tsconfig.json'));
    const projects = new Set(
      (docsConfig.files?.length === 0 ? (docsConfig.references ?? []) : [{ path: '.' }]).map(
        ({ path }) => join(pkg.path, path),
      ),
    );
    for (const [subpath, target] of Object.entries(pkg.manifest.exports ?? {})) {
      const source = sourceOf(target);
      if (typeof source !== 'string') continue;
      let dir = dirname(join(pkg.path, source));
      while (dir !== pkg.path && !existsSync(join(dir, 'tsconfig.json'))) dir = dirname(dir);
      if (!projects.has(dir)) {
        problems.push(
          `${pkg.name}: exports["${subpath}"] (${source}) is in the TypeScript project ${relative(pkg.path, dir)}, which TypeDoc does not read: add it to a tsconfig.docs.json named by the package's typedoc.json`,
        );
      }
    }
  }
  return problems;
}
