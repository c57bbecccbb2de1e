#!/usr/bin/env node
/**
 * `breakwater-classify`: classifies a saved exchange response with the exchange's preset. See
 * `runClassifyCli` for what it reads and prints.
 */
import { readFile } from 'node:fs/promises';
import { runClassifyCli } from './runClassifyCli.ts';

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

process.exitCode = await runClassifyCli(process.argv.slice(2), {
  read: readInput,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
