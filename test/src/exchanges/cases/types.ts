import type { Category, Verdict } from '@breakwater/core';
import type { EndpointGroup, ExchangeId } from '@breakwater/exchanges';

/** The time every case is classified at (2026-01-01T00:00:00Z), in epoch ms. */
export const caseNowMs = 1_767_225_600_000;

/**
 * One exchange response, as sent: status, headers and body text, with the verdict the
 * exchange's preset must give it. `source` is where the response (or its code and message) is
 * described; `documented` says whether that page shows this response, or whether its exact
 * shape is inferred (from client libraries, issue reports, a neighbouring API of the exchange).
 */
export interface ExchangeCase {
  readonly name: string;
  readonly exchange: ExchangeId;
  readonly source: string;
  readonly documented: boolean;
  /** The endpoint group, and so the breaker, the request belongs to. */
  readonly group: EndpointGroup;
  /** The request: its method and its path, which may carry a query (`?signature=…`). */
  readonly request: { readonly method: 'GET' | 'POST' | 'DELETE'; readonly path: string };
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  };
  readonly expected: {
    readonly verdict: Verdict['verdict'];
    readonly category: Category;
    readonly retryAfterMs?: number;
    /** Whether an order may have taken effect. @defaultValue `false` */
    readonly uncertainEffect?: boolean;
    /** The codes of a batch answer's failed items, in order. */
    readonly failedItems?: readonly string[];
  };
}

export const json = { 'content-type': 'application/json' } as const;
export const html = { 'content-type': 'text/html; charset=UTF-8' } as const;

/** What a case expects, and where it comes from, for the compact case helpers. */
interface CaseInput {
  readonly name: string;
  readonly source: string;
  readonly documented?: boolean;
  readonly group: ExchangeCase['group'];
  readonly request: `${ExchangeCase['request']['method']} ${string}`;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | object;
  readonly expected: ExchangeCase['expected'];
}

/**
 * A case of `exchange`, written compactly: `request` is `'<METHOD> <path>'`, `status` defaults
 * to 200, `headers` to JSON, a `body` object is sent as its JSON, and `documented` defaults to
 * `true`.
 */
export function caseOf(exchange: ExchangeId, input: CaseInput): ExchangeCase {
  const space = input.request.indexOf(' ');
  return {
    name: input.name,
    exchange,
    source: input.source,
    documented: input.documented ?? true,
    group: input.group,
    request: {
      method: input.request.slice(0, space) as ExchangeCase['request']['method'],
      path: input.request.slice(space + 1),
    },
    response: {
      status: input.status ?? 200,
      headers: input.headers ?? json,
      body: typeof input.body === 'string' ? input.body : JSON.stringify(input.body),
    },
    expected: input.expected,
  };
}
