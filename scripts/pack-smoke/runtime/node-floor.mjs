// The smoke at a package's lowest claimed Node (see scripts/pack-smoke/runtimes.mjs): imports
// every entry named on the command line from the scratch project's node_modules, so a syntax or
// API newer than that Node fails here, then runs the runtime smoke (with the HTTP adapters when
// `--adapters` says their floor is met too).
import { runSmoke } from './smoke.js';

const args = process.argv.slice(2);
const specifiers = args.filter((arg) => !arg.startsWith('--'));
for (const specifier of specifiers) {
  const namespace = await import(specifier);
  if (Object.keys(namespace).length === 0) throw new Error(`${specifier} exports nothing`);
}
const ran = await runSmoke({ adapters: args.includes('--adapters') });
console.log(
  `node ${process.version}: imported ${specifiers.length} entries; runtime smoke passed: ${ran.join(', ')}`,
);
