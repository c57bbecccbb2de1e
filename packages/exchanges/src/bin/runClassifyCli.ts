import { BreakwaterConfigError, isBreakwaterConfigError } from '@breakwater/core';
import {
  binancePreset,
  bybitPreset,
  coinbasePreset,
  type ExchangeId,
  type ExchangePreset,
  type ExchangeVerdict,
  krakenPreset,
  okxPreset,
  type SavedResponse,
} from '@breakwater/exchanges';
import { parseRawResponse } from './parseSavedResponse.ts';

const presets: Readonly<Record<ExchangeId, () => ExchangePreset>> = {
  kraken: krakenPreset,
  binance: binancePreset,
  coinbase: coinbasePreset,
  bybit: bybitPreset,
  okx: okxPreset,
};

/** What the command reads and writes; the bin passes the process's. */
export interface CliIo {
  /** Reads a file, or standard input for `-`. */
  readonly read: (path: string) => Promise<string>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const usage = `Usage: breakwater-classify [options] <file | ->

Classifies a saved exchange response the way the exchange's Breakwater preset does, without a
network or a breaker, and prints the verdict as JSON: for bug reports and for checking a preset.

<file> is either
  - JSON: { "exchange": "kraken", "request": { "method": "POST", "url": "https://…" },
            "response": { "status": 200, "headers": { … }, "body": "…" }, "now": 1767225600000 }
  - raw HTTP as \`curl -i\` prints it, with --exchange and --url.
Options (they override the JSON's fields):
  --exchange <kraken|binance|coinbase|bybit|okx>
  --url <url>         the request's URL (only its host and path are used)
  --method <method>   the request's method (default GET)
  --now <time>        when the response arrived: epoch ms or an ISO date (default now)
  --help
`;

interface Input {
  exchange?: string;
  url?: string;
  method?: string;
  now?: string | number;
  response?: SavedResponse;
}

/**
 * The `breakwater-classify` command: reads a saved response, classifies it with the exchange's
 * preset (`preset.classify()`) and prints the verdict. Resolves the exit code: 0, or 2 for bad
 * input (said on `err`). Nothing it prints holds the request's query or the response's headers.
 */
export async function runClassifyCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { flags, file } = parseArgs(args);
    if (flags.help !== undefined) {
      io.out(usage);
      return 0;
    }
    if (file === undefined) throw new BreakwaterConfigError('<file>', 'a file or -', undefined);
    const input = { ...readInput(await io.read(file)), ...flags };
    io.out(`${JSON.stringify(classify(input), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!isBreakwaterConfigError(error) && !(error instanceof SyntaxError)) throw error;
    io.err(`breakwater-classify: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
}

function parseArgs(args: readonly string[]): { flags: Input & { help?: true }; file?: string } {
  const flags: Input & { help?: true } = {};
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') {
      flags.help = true;
      continue;
    }
    const match = /^--(exchange|url|method|now)(?:=(.*))?$/.exec(arg);
    if (match === null) {
      if (arg.startsWith('--') || file !== undefined) {
        throw new BreakwaterConfigError('arguments', 'the options below and one file', arg);
      }
      file = arg;
      continue;
    }
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new BreakwaterConfigError(arg, 'a value', undefined);
    flags[match[1] as 'exchange' | 'url' | 'method' | 'now'] = value;
  }
  return file === undefined ? { flags } : { flags, file };
}

function readInput(text: string): Input {
  if (!text.trimStart().startsWith('{')) return { response: parseRawResponse(text) };
  const json = JSON.parse(text) as Record<string, unknown>;
  const request = (json.request ?? {}) as { url?: unknown; method?: unknown };
  return {
    ...(typeof json.exchange === 'string' ? { exchange: json.exchange } : {}),
    ...(typeof request.url === 'string' ? { url: request.url } : {}),
    ...(typeof request.method === 'string' ? { method: request.method } : {}),
    ...(typeof json.now === 'number' || typeof json.now === 'string' ? { now: json.now } : {}),
    ...(json.response === undefined ? {} : { response: json.response as SavedResponse }),
  };
}

function classify(input: Input): ExchangeVerdict {
  const exchange = input.exchange;
  if (exchange === undefined || !Object.hasOwn(presets, exchange)) {
    throw new BreakwaterConfigError(
      'exchange',
      `one of ${Object.keys(presets).join(', ')}`,
      exchange,
    );
  }
  if (input.url === undefined)
    throw new BreakwaterConfigError('url', 'the request’s URL', undefined);
  if (input.response === undefined) {
    throw new BreakwaterConfigError('response', 'a saved response', undefined);
  }
  const preset = presets[exchange as ExchangeId]();
  return preset.classify(
    { url: input.url, method: input.method ?? 'GET' },
    input.response,
    input.now === undefined ? {} : { now: timeOf(input.now) },
  );
}

function timeOf(value: string | number): number {
  const ms = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new BreakwaterConfigError('now', 'epoch milliseconds or an ISO date', value);
  }
  return ms;
}
