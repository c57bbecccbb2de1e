import type { ResponseOutcome } from '../Outcome.ts';
import { readHeader } from './readHeader.ts';
import type { HttpHeaders } from './types.ts';

/**
 * A response outcome from a status and headers in any client's shape (a Fetch `Headers`, a plain
 * object, `AxiosHeaders`, pairs; see {@link readHeader}), with the body a body rule read. Headers
 * are read lazily, only when a classifier rule asks for one.
 *
 * @example
 * ```ts
 * permit.settle(responseOutcome(res.status, res.headers)); // fetch
 * permit.settle(responseOutcome(res.statusCode, res.headers)); // node:http, got
 * permit.settle(responseOutcome(res.status, res.headers, res.data)); // axios
 * ```
 */
export function responseOutcome(
  status: number,
  headers: HttpHeaders | null | undefined,
  body?: unknown,
): ResponseOutcome {
  return new HttpResponseOutcome(status, headers, body);
}

class HttpResponseOutcome implements ResponseOutcome {
  readonly kind = 'response' as const;
  readonly status: number;
  readonly body: unknown;
  readonly #headers: HttpHeaders | null | undefined;

  constructor(status: number, headers: HttpHeaders | null | undefined, body: unknown) {
    this.status = status;
    this.body = body;
    this.#headers = headers;
  }

  header(name: string): string | null {
    return readHeader(this.#headers, name);
  }
}
