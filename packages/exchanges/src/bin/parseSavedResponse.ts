import { BreakwaterConfigError } from '@breakwater/core';
import type { SavedResponse } from '@breakwater/exchanges';

/**
 * A response saved as raw HTTP, as `curl -i` prints it: a status line, headers, a blank line
 * and the body. Interim responses (`100 Continue`) and the blocks of followed redirects are
 * skipped: the last response counts. Header names are lower-cased; a repeated header keeps its
 * values joined by `, `.
 * @throws BreakwaterConfigError when the text has no HTTP status line
 */
export function parseRawResponse(text: string): SavedResponse {
  let rest = text.replace(/^\uFEFF/, '');
  for (;;) {
    const split = /\r?\n\r?\n/.exec(rest);
    const head = split === null ? rest : rest.slice(0, split.index);
    const body = split === null ? '' : rest.slice(split.index + split[0].length);
    const lines = head.split(/\r?\n/);
    const status = /^HTTP\/[\d.]+\s+(\d{3})\b/.exec(lines[0] ?? '');
    if (status === null) {
      throw new BreakwaterConfigError(
        'response',
        'raw HTTP starting with a status line such as "HTTP/1.1 200 OK"',
        lines[0],
      );
    }
    // `curl -i -L` prints each hop, and every client may see a 100 first: skip to the last.
    if (/^HTTP\/[\d.]+\s+\d{3}\b/.test(body)) {
      rest = body;
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    return { status: Number(status[1]), headers, body };
  }
}
