import {
  parseBodyText,
  type ResolvedBodyRule,
  readBodyForRules,
  resolveHttpBreakerOptions,
  selectBodyRule,
} from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const url = new URL('https://api.kraken.com/0/public/Time');

function rules(
  ...input: { match?: (s: number, t: string, u: URL) => boolean; maxBytes?: number }[]
) {
  return resolveHttpBreakerOptions({ bodyRules: input }).bodyRules;
}

function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json; charset=utf-8', ...init.headers },
  });
}

/** A body of `chunks` chunks of `size` bytes each, with no Content-Length. */
function streamed(chunks: number, size: number): Response {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new TextEncoder().encode('x'.repeat(size)));
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/plain' } });
}

describe('readBodyForRules', () => {
  it('reads a JSON body from a clone and leaves the caller its body', async () => {
    const response = json({ error: ['EService:Unavailable'] });
    const body = await readBodyForRules(response, rules({}), url);
    expect(body).toEqual({ error: ['EService:Unavailable'] });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ error: ['EService:Unavailable'] });
  });

  it('reads nothing without a rule, or when no rule matches', async () => {
    expect(await readBodyForRules(json({ a: 1 }), [], url)).toBeUndefined();
    const only500 = rules({ match: (status) => status >= 500 });
    expect(await readBodyForRules(json({ a: 1 }), only500, url)).toBeUndefined();
    expect(await readBodyForRules(json({ a: 1 }, { status: 502 }), only500, url)).toEqual({ a: 1 });
  });

  it('gives match the status, the bare lower-case content type and the URL', async () => {
    const seen: unknown[] = [];
    const spy = rules({
      match: (status, contentType, u) => {
        seen.push(status, contentType, u.pathname);
        return true;
      },
    });
    await readBodyForRules(json({}, { status: 201 }), spy, url);
    expect(seen).toEqual([201, 'application/json', '/0/public/Time']);
  });

  it('reads only JSON and text bodies', async () => {
    const binary = new Response(new Uint8Array([1, 2, 3]), {
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(await readBodyForRules(binary, rules({}), url)).toBeUndefined();
    const text = new Response('maintenance', { headers: { 'content-type': 'text/plain' } });
    expect(await readBodyForRules(text, rules({}), url)).toBe('maintenance');
    const problem = new Response('{"title":"x"}', {
      headers: { 'content-type': 'application/problem+json' },
    });
    expect(await readBodyForRules(problem, rules({}), url)).toEqual({ title: 'x' });
  });

  it('skips a body whose declared Content-Length is above maxBytes', () => {
    const headers = { 'content-type': 'application/json', 'content-length': '2048' };
    expect(selectBodyRule(rules({ maxBytes: 1024 }), 200, headers, url)).toBeUndefined();
    const [small, large] = rules({ maxBytes: 1024 }, { maxBytes: 4096 }) as ResolvedBodyRule[];
    expect(selectBodyRule([small!, large!], 200, headers, url)).toBe(large);
    const empty = { 'content-type': 'application/json', 'content-length': '0' };
    expect(selectBodyRule(rules({}), 204, empty, url)).toBeUndefined();
  });

  it('abandons a streamed body that grows past maxBytes, and leaves it to the caller', async () => {
    const response = streamed(4, 100);
    expect(await readBodyForRules(response, rules({ maxBytes: 250 }), url)).toBeUndefined();
    expect(await response.text()).toHaveLength(400);
    expect(await readBodyForRules(streamed(2, 100), rules({ maxBytes: 250 }), url)).toHaveLength(
      200,
    );
  });

  it('joins a body of several chunks, a character split between two', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ error: ['EGeneral:Invalid – “x”'] }));
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of the en dash
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut, cut + 3));
        controller.enqueue(bytes.slice(cut + 3));
        controller.close();
      },
    });
    const response = new Response(stream, { headers: { 'content-type': 'application/json' } });
    expect(await readBodyForRules(response, rules({}), url)).toEqual({
      error: ['EGeneral:Invalid – “x”'],
    });
  });

  it('keeps the text of a JSON body that does not parse', async () => {
    const html = new Response('<html>502</html>', {
      headers: { 'content-type': 'application/json' },
    });
    expect(await readBodyForRules(html, rules({}), url)).toBe('<html>502</html>');
    expect(parseBodyText('{"a":1}', 'application/json')).toEqual({ a: 1 });
    expect(parseBodyText('{"a":1}', 'text/plain')).toBe('{"a":1}');
  });

  it('reads nothing from a body the caller already used', async () => {
    const response = json({ a: 1 });
    await response.text();
    expect(await readBodyForRules(response, rules({}), url)).toBeUndefined();
  });
});
