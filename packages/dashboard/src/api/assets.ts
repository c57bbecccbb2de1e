import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** One file the page needs. */
interface Asset {
  readonly contentType: string;
  /** Where it is, resolved at the first request. */
  readonly path: () => string;
}

const own = (file: string) => () =>
  // `assets/` sits beside `src/` and `dist/`, so this path holds from sources and from the build.
  fileURLToPath(new URL(`../../assets/${file}`, import.meta.url));
const uplot = (file: string) => () => createRequire(import.meta.url).resolve(`uplot/dist/${file}`);

/**
 * The page's files, by the name it requests them under: its own, and uPlot's from the installed
 * `uplot` package (no CDN: the page works offline and behind a strict firewall). A fixed list,
 * so no request path ever reaches the file system. Not part of the public API.
 */
const assets: Readonly<Record<string, Asset>> = {
  'index.html': { contentType: 'text/html; charset=utf-8', path: own('index.html') },
  'dashboard.js': { contentType: 'text/javascript; charset=utf-8', path: own('dashboard.js') },
  'model.js': { contentType: 'text/javascript; charset=utf-8', path: own('model.js') },
  'dashboard.css': { contentType: 'text/css; charset=utf-8', path: own('dashboard.css') },
  'uPlot.iife.min.js': {
    contentType: 'text/javascript; charset=utf-8',
    path: uplot('uPlot.iife.min.js'),
  },
  'uPlot.min.css': { contentType: 'text/css; charset=utf-8', path: uplot('uPlot.min.css') },
};

const cache = new Map<string, Buffer>();

/** The asset named `name` with its content type, or `undefined` when there is none. */
export function readAsset(name: string): { contentType: string; body: Buffer } | undefined {
  if (!Object.hasOwn(assets, name)) return undefined;
  const asset = assets[name]!;
  let body = cache.get(name);
  if (body === undefined) {
    body = readFileSync(asset.path());
    cache.set(name, body);
  }
  return { contentType: asset.contentType, body };
}
