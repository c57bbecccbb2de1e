import { BreakwaterConfigError, responseOutcome } from '@breakwater/core';
import {
  bufferedBody,
  type HttpHeaders,
  parseBodyText,
  type ResolvedBodyRule,
  type ResponseOutcome,
  readHeader,
  selectBodyRule,
} from '@breakwater/core/adapter';
import type { SavedResponse } from './types.ts';

const utf8 = new TextEncoder();

/**
 * The outcome an adapter builds from a saved response: the body only when a body rule would
 * have read it (JSON or text, a matching rule, at most `maxBytes`), parsed by its content type
 * as the adapters parse it (text and bytes; a parsed JSON object or array as it is). Not part
 * of the public API.
 * @throws BreakwaterConfigError when `response` has no integer status
 */
export function savedOutcome(
  response: SavedResponse,
  rules: readonly ResolvedBodyRule[],
  url: URL,
): ResponseOutcome {
  if (typeof response !== 'object' || response === null) {
    throw new BreakwaterConfigError('response', 'an object with a status', response);
  }
  const { status, headers, body } = response;
  if (!Number.isInteger(status) || status < 0 || status > 999) {
    throw new BreakwaterConfigError('response.status', 'an integer from 0 to 999', status);
  }
  return responseOutcome(status, headers, readable(status, headers, body, rules, url));
}

function readable(
  status: number,
  headers: HttpHeaders | undefined,
  body: unknown,
  rules: readonly ResolvedBodyRule[],
  url: URL,
): unknown {
  if (body === undefined) return undefined;
  const rule = selectBodyRule(rules, status, headers, url);
  if (rule === undefined) return undefined;
  const contentType = readHeader(headers, 'content-type');
  // Bytes, parsed JSON: as the adapters whose clients buffer bodies (axios, got) see them.
  if (typeof body !== 'string') return bufferedBody(body, contentType, rule.maxBytes);
  // The adapters stop reading at maxBytes: a longer body is never seen by a rule.
  if (body.length > rule.maxBytes || utf8.encode(body).byteLength > rule.maxBytes) return undefined;
  return parseBodyText(body, contentType);
}
