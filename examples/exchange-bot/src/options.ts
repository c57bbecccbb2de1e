import { parseArgs } from 'node:util';
import { storyMs } from './timeline.ts';

/** The demo's command line, parsed and checked. */
export interface DemoOptions {
  /** Real seconds the timeline is played in; the story is always 60 s long. */
  readonly durationS: number;
  /** Run two Breakwater bot processes that share breaker state through the local Redis. */
  readonly redis: boolean;
  readonly redisUrl: string;
  /** Serve the dashboard and print its URL. */
  readonly dashboard: boolean;
  /** Print the summary as one JSON line at the end (for scripts and the demo's test). */
  readonly json: boolean;
  /** Plain lines even on a terminal. */
  readonly plain: boolean;
  readonly help: boolean;
}

export const usage = `Usage: npm run demo -- [options]

A trading bot on ccxt (kraken, binance), axios, got, ky and WebSockets meets a scripted run of
exchange incidents on a local simulator, beside the same bot without Breakwater.

  --duration <s>   real seconds to play the 60 s timeline in (default 60; 5 plays it 12x faster)
  --redis          two Breakwater bot processes sharing breaker state through Redis
                   (REDIS_URL, default redis://127.0.0.1:6379)
  --dashboard      serve the Breakwater dashboard on 127.0.0.1 and print its URL
  --plain          plain lines, no redrawing (the default when stdout is not a terminal)
  --json           print the summary as JSON at the end
  --help           this text`;

/** Parses `argv`; throws an Error whose message says what was wrong and what is allowed. */
export function parseDemoOptions(argv: readonly string[], env = process.env): DemoOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      redis: { type: 'boolean', default: false },
      dashboard: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      plain: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const durationS = values.duration === undefined ? storyMs / 1000 : Number(values.duration);
  // Below 2 s the simulated network's own latency (real milliseconds) is no longer small
  // against the story's shortest waits, and the comparison stops meaning anything.
  if (!Number.isFinite(durationS) || durationS < 2 || durationS > 600) {
    throw new Error(
      `--duration must be a number of seconds from 2 to 600, got ${JSON.stringify(values.duration)}`,
    );
  }
  return {
    durationS,
    redis: values.redis,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    dashboard: values.dashboard,
    json: values.json,
    plain: values.plain,
    help: values.help,
  };
}
