// Node versions for the engines check and the smokes at each package's lowest claimed Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, stepAsync } from './workspace.mjs';

/**
 * The lowest version a Node range admits, as `[major, minor, patch]`, for the range forms
 * manifests use (`>=20.19`, `>=22.12.0`, `^16 || ^18 || >=20`, `20.x`); `[0, 0, 0]` when there
 * is no range. Anything else throws: a floor computed from a range we misread would be wrong in
 * silence.
 */
export function rangeFloor(range) {
  if (range === undefined || range.trim() === '' || range.trim() === '*') return [0, 0, 0];
  const floors = range.split('||').map((part) => {
    const match = /^\s*(?:>=|\^|~)?\s*v?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?\s*$/.exec(part);
    if (match === null) throw new Error(`cannot read the Node range "${range}"`);
    return match.slice(1, 4).map((n) => (n === undefined || n === 'x' ? 0 : Number(n)));
  });
  return floors.sort(compareVersions)[0];
}

export function compareVersions(a, b) {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function formatVersion(version) {
  return version.join('.');
}

/** Whether `version` satisfies the range (same forms as {@link rangeFloor}; `>=` and `^`). */
export function satisfies(version, range) {
  return range.split('||').some((part) => {
    const floor = rangeFloor(part);
    if (compareVersions(version, floor) < 0) return false;
    return !part.trim().startsWith('^') || version[0] === floor[0];
  });
}

/**
 * The path of a `node` binary of exactly `version`, installed from the npm registry's `node`
 * package into `.toolchain/node-<version>/` on first use, as scripts/toolchain.mjs installs the
 * pinned Node. Only npm is needed (no download from elsewhere), so a fresh machine gets it.
 */
export async function ensureNode(version, tag) {
  const prefix = join(root, '.toolchain', `node-${version}`);
  const binary = join(prefix, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary) && nodeVersion(binary) === `v${version}`) return binary;
  await stepAsync(tag, `install node@${version} from npm`, 'npm', [
    'install',
    '--global',
    '--prefix',
    prefix,
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `node@${version}`,
  ]);
  const installed = nodeVersion(binary);
  if (installed !== `v${version}`) {
    throw new Error(`npm installed node@${version} but ${binary} reports ${installed}`);
  }
  return binary;
}

function nodeVersion(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : `nothing (${result.error ?? result.stderr})`;
}
