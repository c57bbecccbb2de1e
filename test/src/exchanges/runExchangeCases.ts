import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry, ManualClock } from '@breakwater/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../conformance/types.ts';
import { adversarialCases } from './cases/adversarial.ts';
import { caseNowMs, type ExchangeCase, exchangeCases } from './cases/index.ts';
import { presetFor } from './presetFor.ts';
import { type VerdictView, viewOf } from './verdictView.ts';

/** What one request left in its breaker: the verdict's view and the breaker's key. */
interface Recorded extends VerdictView {
  readonly key: string;
}

/**
 * Runs every exchange case (the documented table and the adversarial one) through one HTTP
 * client wrapped with the exchange's preset, against a real `node:http` loopback server that
 * answers each case as the exchange did, and checks that the breaker recorded exactly the
 * verdict `preset.classify()` gives the saved response, under the same key: one table, the same
 * verdicts from every adapter and offline. Breakers run on a `ManualClock` at the cases' time.
 *
 * Call it at the top level of a test file: `runExchangeCases(fetchDriver);`.
 */
export function runExchangeCases(driver: Driver): void {
  describe(`exchange cases: ${driver.name}`, () => {
    const all = [...exchangeCases, ...adversarialCases];
    let server: Server;
    let origin: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        const index = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bwcase'));
        const answer = all[index]?.response;
        req.resume();
        if (answer === undefined) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it.each(all.map((c, i) => [`${c.exchange}: ${c.name}`, c, i] as const))(
      '%s',
      async (_name, exchangeCase, index) => {
        const url = caseUrl(origin, exchangeCase, index);
        const { recorded, classified } = await send(driver, exchangeCase, url);
        expect(recorded).toEqual([classified]);
      },
    );
  });
}

/** The case's path on the loopback server, with the case's index for the server to answer. */
function caseUrl(origin: string, exchangeCase: ExchangeCase, index: number): string {
  const path = exchangeCase.request.path;
  return `${origin}${path}${path.includes('?') ? '&' : '?'}bwcase=${index}`;
}

async function send(driver: Driver, exchangeCase: ExchangeCase, url: string) {
  const clock = new ManualClock({ startMs: caseNowMs });
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 5 } },
  });
  const recorded: Recorded[] = [];
  registry.on('added', ({ name: key, breaker }) => {
    breaker.on('success', () =>
      recorded.push({
        verdict: 'success',
        category: 'none',
        retryAfterMs: undefined,
        uncertainEffect: false,
        key,
      }),
    );
    breaker.on('failure', (e) =>
      recorded.push({
        verdict: 'failure',
        category: e.category,
        retryAfterMs: e.retryAfterMs,
        uncertainEffect: e.uncertainEffect,
        key,
      }),
    );
    breaker.on('ignored', (e) =>
      recorded.push({
        verdict: 'ignore',
        category: e.category,
        retryAfterMs: undefined,
        uncertainEffect: false,
        key,
      }),
    );
  });
  const preset = presetFor(exchangeCase.exchange, registry);
  const client = driver.create(preset);
  try {
    await client.request(url, { method: exchangeCase.request.method }).catch((error: unknown) => {
      // Drivers parse a JSON body as a caller would; a broken one fails the caller, not the case.
      if (!(error instanceof SyntaxError)) throw error;
    });
  } finally {
    await client.close?.();
    registry.dispose();
  }
  const verdict = preset.classify(
    { url, method: exchangeCase.request.method },
    exchangeCase.response,
    { now: caseNowMs },
  );
  // An ignored or successful call carries no wait and no uncertain effect in its events.
  const view = viewOf(verdict);
  const classified: Recorded = {
    ...view,
    ...(view.verdict === 'failure' ? {} : { retryAfterMs: undefined, uncertainEffect: false }),
    key: verdict.key,
  };
  return { recorded, classified };
}
