#!/usr/bin/env node
// Release rehearsal: `node scripts/toolchain.mjs rehearse-release`; part of `npm test`. Does in
// a scratch copy of the repository what `pnpm release` does for real, short of publishing:
// `changeset version` (versions and CHANGELOGs from the pending changesets), then
// `pnpm -r publish --dry-run` (pack and verify every package the registry would get). The
// repository itself is never touched, and nothing is published.
//
// The copy holds the files git knows (tracked and untracked, not ignored, so uncommitted work is
// rehearsed too) plus the built `dist/` of each package (built here first, `tsc -b`, incremental);
// node_modules stay behind: neither step needs them, and the CLIs run from the workspace's.
// Then the result is checked: every published package at one new version (the Changesets
// `fixed` group), each with a CHANGELOG.md that `changeset version` wrote, and each one in what
// pnpm would publish.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { log, publishedPackages, readJson, root, step } from './lib/workspace.mjs';

const tag = 'rehearse-release';

function main() {
  const packages = publishedPackages();
  step(tag, 'build', 'tsc', ['-b']);
  const scratch = mkdtempSync(join(tmpdir(), 'breakwater-release-'));
  let passed = false;
  try {
    const files = step(tag, 'list files', 'git', [
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
    ])
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(root, file)));
    for (const file of files) cpSync(join(root, file), join(scratch, file), { recursive: true });
    for (const pkg of packages) {
      cpSync(join(pkg.path, 'dist'), join(scratch, 'packages', pkg.dir, 'dist'), {
        recursive: true,
        filter: (source) => !source.endsWith('.tsbuildinfo'),
      });
    }
    log(tag, `copied ${files.length} files and ${packages.length} dist/ folders to ${scratch}`);
    const pending = files.filter((f) => dirname(f) === '.changeset' && f.endsWith('.md'));
    const changesets = pending.filter((f) => !f.endsWith('README.md'));
    step(tag, `changeset version (${changesets.length} changesets)`, 'changeset', ['version'], {
      cwd: scratch,
    });

    const problems = [];
    const versions = new Set();
    for (const pkg of packages) {
      const dir = join(scratch, 'packages', pkg.dir);
      const manifest = readJson(join(dir, 'package.json'));
      versions.add(manifest.version);
      const changelog = join(dir, 'CHANGELOG.md');
      if (!existsSync(changelog)) problems.push(`${pkg.name}: no CHANGELOG.md`);
      else if (!readFileSync(changelog, 'utf8').includes(`## ${manifest.version}`)) {
        problems.push(`${pkg.name}: CHANGELOG.md has no section for ${manifest.version}`);
      }
    }
    if (changesets.length > 0 && versions.size !== 1) {
      problems.push(`the packages are at ${[...versions].join(', ')}, not one version`);
    }
    if (problems.length > 0) throw new Error(`changeset version:\n  ${problems.join('\n  ')}`);
    log(tag, `every package at ${[...versions].join(', ')} with a CHANGELOG.md`);

    linkWorkspaceDependencies(scratch);
    const out = step(
      tag,
      'pnpm -r publish --dry-run',
      'pnpm',
      ['--recursive', 'publish', '--dry-run', '--no-git-checks', '--access', 'public'],
      // Offline: a rehearsal has nothing to ask the registry (npm would check a login per package).
      { cwd: scratch, env: { ...process.env, npm_config_offline: 'true' } },
    );
    for (const pkg of packages) {
      const version = readJson(join(scratch, 'packages', pkg.dir, 'package.json')).version;
      if (!out.includes(`${pkg.name}@${version}`)) {
        problems.push(`pnpm publish --dry-run did not report ${pkg.name}@${version}`);
      }
    }
    if (problems.length > 0)
      throw new Error(`publish rehearsal:\n  ${problems.join('\n  ')}\n${out}`);
    log(tag, `${packages.length} packages would be published`);
    passed = true;
  } finally {
    if (passed) rmSync(scratch, { recursive: true, force: true });
    else log(tag, `left ${scratch} for inspection`);
  }
}

/** Every workspace package of the copy, by name: `[name, dir]`. */
function workspacePackages(scratch) {
  const dirs = ['test', 'test/readme', 'bench'];
  for (const parent of ['packages', 'examples']) {
    for (const dir of readdirSync(join(scratch, parent))) dirs.push(`${parent}/${dir}`);
  }
  return dirs
    .filter((dir) => existsSync(join(scratch, dir, 'package.json')))
    .map((dir) => [readJson(join(scratch, dir, 'package.json')).name, dir]);
}

/**
 * `pnpm publish` turns `workspace:` ranges into versions by reading the linked package in
 * node_modules; the copy has no install, so link each workspace dependency as pnpm would (to the
 * copy's own, just versioned, package), which is all it reads.
 */
function linkWorkspaceDependencies(scratch) {
  const byName = new Map(workspacePackages(scratch));
  for (const [, dir] of byName) {
    const manifest = readJson(join(scratch, dir, 'package.json'));
    const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
    for (const field of fields) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (!String(range).startsWith('workspace:') || !byName.has(name)) continue;
        const link = join(scratch, dir, 'node_modules', name);
        if (existsSync(link)) continue;
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(join(scratch, byName.get(name)), link, 'dir');
      }
    }
  }
}

main();
