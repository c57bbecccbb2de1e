// The exchange-bot demo: `npm run demo` from the repository root (`npm run demo -- --help`).
//
// A trading bot on real ccxt `kraken` and `binance` instances, axios, got, ky and WebSockets
// meets a scripted minute of exchange incidents on the local simulator from
// `@breakwater/exchanges/testing`. The same bot runs twice at once, on two simulators playing
// the same timeline: once behind Breakwater, once with bare clients. The summary compares what
// the exchanges saw. Nothing leaves 127.0.0.1.
import { parseDemoOptions, usage } from './src/options.ts';
import { runDemo } from './src/runDemo.ts';
import { plainView, terminalView } from './src/ui/LiveView.ts';
import { summaryText } from './src/ui/summaryText.ts';

let options: ReturnType<typeof parseDemoOptions>;
try {
  options = parseDemoOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${usage}`);
  process.exit(2);
}
if (options.help) {
  console.log(usage);
  process.exit(0);
}

const tty = process.stdout.isTTY === true && !options.plain;
const view = tty ? terminalView(process.stdout) : plainView((line) => console.log(line));
let summary: Awaited<ReturnType<typeof runDemo>>;
try {
  summary = await runDemo(options, view);
} catch (error) {
  view.done();
  console.error(`The demo stopped: ${(error as Error).message}`);
  process.exit(1);
}
view.done();
console.log('');
console.log(summaryText(summary, tty));
if (options.json) console.log(JSON.stringify(summary));
