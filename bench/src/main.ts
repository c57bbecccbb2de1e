/**
 * `pnpm bench [--smoke] [--case <name>]…`: measures Breakwater against bare calls, a minimal
 * breaker, cockatiel and opossum, prints a table and writes `bench/results/*.json`.
 * Run through `node scripts/toolchain.mjs bench`, which adds `--expose-gc` and the source condition.
 */
import { parseArgs } from 'node:util';
import { runBench } from './run.ts';
import { formatTable } from './table.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    case: { type: 'string', multiple: true },
    clock: { type: 'string', default: 'wall' },
  },
});

if (values.clock !== 'wall' && values.clock !== 'cpu') {
  console.error(`--clock must be wall or cpu, not ${values.clock}`);
  process.exit(2);
}

if (!globalThis.gc) {
  console.error('note: started without --expose-gc; enabling gc at run time');
}

const result = await runBench({
  smoke: values.smoke,
  write: true,
  only: values.case,
  clock: values.clock,
  log: (line) => console.error(line),
});
console.log(formatTable(result));
