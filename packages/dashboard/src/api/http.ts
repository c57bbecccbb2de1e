import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The small HTTP helpers the dashboard's routes share: JSON responses, a bounded body reader and
 * the bearer-token comparison. Not part of the public API.
 */

/** Headers every response carries: nothing is cached, nothing is sniffed. */
const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Sends `body` as JSON with `status`. A response already started is left alone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body, jsonReplacer);
  res.writeHead(status, {
    ...baseHeaders,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An error response: `{ error: code, message }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): void {
  sendJson(res, status, { error: code, message }, headers);
}

/** Sends text (a page, a script, the Prometheus exposition). */
export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...baseHeaders,
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** `Infinity` (an open period until reset, unlimited recovery attempts) is `null` in JSON. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** A body that could not be read as JSON: the status and message to answer with. */
export interface BodyError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Reads a JSON request body of at most `maxBytes`. A larger body is refused as soon as it is
 * known (by `content-length`, or while streaming), without buffering it; an empty body is `{}`.
 */
export function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; error: BodyError }> {
  const tooLarge = {
    ok: false as const,
    error: {
      status: 413,
      code: 'body_too_large',
      message: `The request body is larger than ${maxBytes} bytes.`,
    },
  };
  if (req.readableEnded) {
    // A framework's body parser came first (Express' `express.json()`): take what it parsed.
    const parsed = (req as { body?: unknown }).body;
    if (parsed !== undefined && !Buffer.isBuffer(parsed) && typeof parsed !== 'string') {
      return Promise.resolve({ ok: true, value: parsed });
    }
    return Promise.resolve({
      ok: false,
      error: {
        status: 400,
        code: 'body_consumed',
        message:
          'The request body was read before the dashboard got it: mount it before body parsers.',
      },
    });
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    req.resume();
    return Promise.resolve({
      ok: false,
      error: {
        status: 415,
        code: 'unsupported_media_type',
        message: 'Send the body as application/json.',
      },
    });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Awaited<ReturnType<typeof readJsonBody>>) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish(tooLarge);
        // Read and drop the rest, so the response can still be sent on this connection.
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () =>
      finish({
        ok: false,
        error: { status: 400, code: 'bad_request', message: 'The request body could not be read.' },
      }),
    );
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return finish({ ok: true, value: {} });
      try {
        finish({ ok: true, value: JSON.parse(text) });
      } catch {
        finish({
          ok: false,
          error: {
            status: 400,
            code: 'invalid_json',
            message: 'The request body is not valid JSON.',
          },
        });
      }
    });
  });
}

/** The SHA-256 of a token: comparing digests takes the same time whatever the lengths. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Whether `authorization` is `Bearer <token>` for the token whose digest is `expected`,
 * compared in constant time.
 */
export function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  if (authorization === undefined) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (match === null) return false;
  return timingSafeEqual(tokenDigest(match[1]!), expected);
}
