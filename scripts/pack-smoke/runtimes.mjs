// Every runtime we claim, over the tarballs npm installed into the pack smoke's scratch project
// (see scripts/packSmoke.mjs): runtime/smoke.js in Deno, Bun and headless Chromium, and each
// package's entries at its lowest claimed Node. Each runtime comes from the repository's own
// files: Deno and Bun are root devDependencies (their binaries are npm packages), Node versions
// install from npm's `node` package, and Chromium is Debian's `chromium` package, which
// `.ci/run` installs. A runtime that is missing fails the smoke, naming how to install it:
// a skipped runtime would be a claim nobody checks.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { compareVersions, ensureNode, formatVersion } from '../lib/nodeVersions.mjs';
import { log, readJson, root, seconds, step } from '../lib/workspace.mjs';

const tag = 'pack-smoke';
const here = join(root, 'scripts', 'pack-smoke', 'runtime');

/** Copies the runtime smoke into the project, next to its node_modules. */
export function installRuntimeSmoke(project) {
  cpSync(here, join(project, 'runtime'), { recursive: true });
}

function binary(name) {
  const path = join(
    root,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? `${name}.cmd` : name,
  );
  if (!existsSync(path)) {
    throw new Error(
      `${name} is not installed (${path} is missing): it is a root devDependency, installed by ` +
        '`node scripts/toolchain.mjs pnpm install`; its binary comes from a platform package on npm',
    );
  }
  return path;
}

export function runDeno(project) {
  // Deno resolves the bare specifiers from the project's node_modules (its package.json makes it
  // a "bring your own node_modules" project); no permission is granted.
  const out = step(
    tag,
    'deno: runtime smoke',
    binary('deno'),
    ['run', '--no-prompt', 'runtime/main.js'],
    {
      cwd: project,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    },
  );
  expectPassed('deno', out);
}

export function runBun(project) {
  const out = step(tag, 'bun: runtime smoke', binary('bun'), ['runtime/main.js'], { cwd: project });
  expectPassed('bun', out);
}

function expectPassed(runtime, out) {
  if (!out.includes('runtime smoke passed: core, fetch, ky')) {
    throw new Error(`${runtime} ran the runtime smoke but did not report it passed:\n${out}`);
  }
}

/**
 * Groups the packages by the Node their `engines` claims as lowest, installs each such Node
 * (`ensure` was started early, see packSmoke.mjs) and imports every entry of those packages
 * under it, then runs the runtime smoke there (with the adapters once their floor is met).
 */
export async function runNodeFloors(project, floors, adapterFloor) {
  for (const [version, { specifiers, binaryPromise }] of floors) {
    const node = await binaryPromise;
    const args = ['runtime/node-floor.mjs', ...specifiers];
    if (compareVersions(version, adapterFloor) >= 0) args.push('--adapters');
    step(
      tag,
      `node ${formatVersion(version)}: import ${specifiers.length} entries, runtime smoke`,
      node,
      args,
      {
        cwd: project,
      },
    );
  }
}

/** Starts installing each distinct lowest Node now, so the downloads overlap the other steps. */
export function startNodeFloors(floorsByPackage) {
  const floors = new Map();
  for (const { floor, entries } of floorsByPackage) {
    const key = formatVersion(floor);
    const group = floors.get(key) ?? { version: floor, specifiers: [] };
    group.specifiers.push(...entries);
    floors.set(key, group);
  }
  const started = [...floors.values()]
    .sort((a, b) => compareVersions(a.version, b.version))
    .map((group) => {
      const binaryPromise = ensureNode(formatVersion(group.version), tag);
      // Awaited later; a failure must not be an unhandled rejection meanwhile.
      binaryPromise.catch(() => undefined);
      return [group.version, { specifiers: group.specifiers, binaryPromise }];
    });
  return started;
}

const contentTypes = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.html': 'text/html',
  '.map': 'application/json',
};

/**
 * The import map of the project's installed packages: every `exports` subpath of every
 * `@breakwater/*` package and of the clients the smoke imports, resolved with the conditions a
 * browser uses (`browser`, `import`, `default`).
 */
function importMap(project, extra) {
  const modules = join(project, 'node_modules');
  const names = [
    ...listDir(join(modules, '@breakwater')).map((dir) => `@breakwater/${dir}`),
    ...extra,
  ];
  const imports = {};
  for (const name of names) {
    const manifest = readJson(join(modules, name, 'package.json'));
    const exportsField =
      typeof manifest.exports === 'string' || manifest.exports?.['.'] === undefined
        ? { '.': manifest.exports ?? manifest.module ?? manifest.main }
        : manifest.exports;
    for (const [subpath, target] of Object.entries(exportsField)) {
      if (subpath.includes('*') || subpath.endsWith('.json')) continue;
      const file = resolveConditions(target);
      if (file === undefined) continue;
      const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
      imports[specifier] = `/node_modules/${name}/${file.replace(/^\.\//, '')}`;
    }
  }
  return { imports };
}

function listDir(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function resolveConditions(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const condition of ['browser', 'import', 'default']) {
    if (condition in target) {
      const resolved = resolveConditions(target[condition]);
      if (resolved !== undefined) return resolved;
    }
  }
  return undefined;
}

/** Finds Chromium, or says how to install it. */
function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path) => path !== undefined && existsSync(path));
  if (found === undefined) {
    throw new Error(
      "Chromium is not installed: the browser smoke runs Debian's `chromium` package " +
        '(`apt-get install chromium`; .ci/run installs it) or the binary named by CHROMIUM_PATH',
    );
  }
  return found;
}

/**
 * Serves the project (its node_modules and the runtime smoke) on a loopback port, opens a page
 * with an import map onto the installed packages in headless Chromium, and waits for the smoke.
 */
export async function runChromium(project) {
  const started = performance.now();
  const executablePath = chromiumPath();
  const map = importMap(project, ['ky']);
  let hits = 0;
  const page = `<!doctype html><meta charset="utf-8"><title>Breakwater runtime smoke</title>
<script type="importmap">${JSON.stringify(map)}</script>
<script type="module" src="/runtime/browser.js"></script>`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const status = /^\/api\/status\/(\d{3})$/.exec(url.pathname);
    if (status !== null) {
      hits++;
      res.writeHead(Number(status[1]), { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (url.pathname === '/api/hits') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(String(hits));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    const file = join(project, decodeURIComponent(url.pathname));
    if (!file.startsWith(project) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const problems = [];
  try {
    const tab = await browser.newPage();
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('console', (message) => {
      // Chromium logs every non-2xx response; the 503 the page asks for is expected.
      if (message.type() !== 'error' || message.location().url.includes('/api/status/')) return;
      problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    tab.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    const result = await tab
      .waitForFunction(() => globalThis.smokeResult, undefined, { timeout: 60_000 })
      .then((handle) => handle.jsonValue())
      .catch((error) => ({ error: `no result from the page: ${error.message}` }));
    if (result.error !== undefined || problems.length > 0) {
      throw new Error(
        `chromium: runtime smoke failed: ${result.error ?? ''}\n${problems.join('\n')}`.trim(),
      );
    }
    log(tag, `chromium: runtime smoke passed: ${result.ran.join(', ')} (${seconds(started)} s)`);
  } finally {
    await browser.close();
    server.close();
  }
}
