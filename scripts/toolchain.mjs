#!/usr/bin/env node
// Bootstraps the pinned toolchain, installs dependencies when they are missing or stale, then runs
// a repository target: `node scripts/toolchain.mjs <target> [args…]`.
//
// Zero dependencies and plain ESM on purpose: it runs first, on whatever Node the machine has
// (Node 20 and npm, no pnpm, no corepack), and must bring everything else itself. The pins live
// in the root package.json under "toolchain", the one place to change them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolchainDir = join(root, '.toolchain');
const { toolchain } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const source = '--conditions=@breakwater/source';
const benchMain = 'bench/src/main.ts';

/** Each target is a list of commands; extra CLI arguments go to the last one. */
const targets = {
  demo: [['node', source, 'examples/exchange-bot/main.ts']],
  test: [
    ['vitest', 'run'],
    ['tsc', '-b'],
    ['node', 'scripts/apiReport.mjs', '--check'],
    ['biome', 'ci', '.'],
    ['node', source, '--expose-gc', benchMain, '--smoke'],
    ['node', 'scripts/sizes.mjs'],
    ['typedoc', '--emit', 'none'],
    ['node', 'scripts/packSmoke.mjs'],
    ['node', 'scripts/rehearseRelease.mjs'],
  ],
  'pack-smoke': [['node', 'scripts/packSmoke.mjs']],
  size: [
    ['tsc', '-b'],
    ['node', 'scripts/sizes.mjs'],
  ],
  docs: [['tsc', '-b'], ['typedoc']],
  'rehearse-release': [['node', 'scripts/rehearseRelease.mjs']],
  // Every check `npm test` makes but the tests themselves (run those first), then the publish.
  release: [
    ['tsc', '-b'],
    ['node', 'scripts/apiReport.mjs', '--check'],
    ['biome', 'ci', '.'],
    ['node', 'scripts/sizes.mjs'],
    ['typedoc', '--emit', 'none'],
    ['node', 'scripts/packSmoke.mjs'],
    ['changeset', 'publish'],
  ],
  vitest: [['vitest']],
  typecheck: [['tsc', '-b']],
  api: [['node', 'scripts/apiReport.mjs']],
  lint: [['biome', 'ci', '.']],
  format: [['biome', 'check', '--write', '.']],
  bench: [['node', source, '--expose-gc', benchMain]],
  build: [['tsc', '-b']],
  changeset: [['changeset']],
  pnpm: [['pnpm']],
};

function log(message) {
  process.stderr.write(`[toolchain] ${message}\n`);
}

/** `^22.18 || ^24.11`: the Node lines every tool in the workspace supports. */
function nodeSatisfies(version) {
  const [major, minor] = version.split('.').map(Number);
  return toolchain.nodeLines.some(([m, min]) => major === m && minor >= min);
}

function installedVersion(pkg) {
  const manifest = join(toolchainDir, 'lib', 'node_modules', pkg, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

function run(command, args, env, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function ensureToolchain() {
  const useRunningNode = nodeSatisfies(process.versions.node);
  const wanted = [];
  if (!useRunningNode && installedVersion('node') !== toolchain.node) {
    wanted.push(`node@${toolchain.node}`);
  }
  if (installedVersion('pnpm') !== toolchain.pnpm) wanted.push(`pnpm@${toolchain.pnpm}`);
  if (wanted.length > 0) {
    log(`installing ${wanted.join(' ')} into .toolchain/`);
    mkdirSync(toolchainDir, { recursive: true });
    const status = run(
      'npm',
      ['install', '--global', '--prefix', toolchainDir, '--no-audit', '--no-fund', ...wanted],
      process.env,
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (status !== 0) throw new Error(`npm could not install ${wanted.join(' ')}`);
  }
  const bins = [join(toolchainDir, 'bin'), join(root, 'node_modules', '.bin')];
  if (useRunningNode) bins.push(dirname(process.execPath));
  return { ...process.env, PATH: [...bins, process.env.PATH].join(delimiter) };
}

/** Installs when node_modules is missing or was installed from another lockfile. */
function ensureDependencies(env) {
  const lockfile = join(root, 'pnpm-lock.yaml');
  const stampFile = join(root, 'node_modules', '.breakwater-install');
  const hasLockfile = existsSync(lockfile);
  const stamp = hasLockfile
    ? createHash('sha256').update(readFileSync(lockfile)).update(toolchain.pnpm).digest('hex')
    : '';
  if (hasLockfile && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  const args = hasLockfile ? ['install', '--frozen-lockfile'] : ['install'];
  log(`pnpm ${args.join(' ')}`);
  if (run(join(toolchainDir, 'bin', 'pnpm'), args, env) !== 0) {
    throw new Error('pnpm install failed');
  }
  writeFileSync(stampFile, stamp);
}

/** Targets that stop at the first failing command: nothing may be published after one. */
const stopOnFailure = new Set(['release']);

function main() {
  const [name, ...extra] = process.argv.slice(2);
  const commands = targets[name];
  if (!commands) {
    log(`unknown target "${name}"; known targets: ${Object.keys(targets).join(', ')}`);
    return 2;
  }
  const env = ensureToolchain();
  // `pnpm` itself is how a changed manifest gets installed: a frozen install first would fail.
  if (name !== 'pnpm') ensureDependencies(env);
  let failed = 0;
  for (const [index, [command, ...args]] of commands.entries()) {
    const argv = index === commands.length - 1 ? [...args, ...extra] : args;
    const started = performance.now();
    const status = run(command, argv, env);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (status !== 0) {
      failed++;
      log(`\`${[command, ...argv].join(' ')}\` exited with ${status} (${seconds} s)`);
      if (stopOnFailure.has(name)) break;
    } else if (commands.length > 1) {
      log(`\`${[command, ...argv].join(' ')}\` passed (${seconds} s)`);
    }
  }
  return failed === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
