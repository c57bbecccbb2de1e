// Chromium's entry to the runtime smoke (see smoke.js and ../runtimes.mjs, which serves this page
// with an import map onto the installed packages' dist/). After the smoke over a scripted fetch,
// one more breaker guards the browser's own fetch against the page's server: a 503 opens it, and
// the next request is rejected before it reaches the server.
import { BreakerRegistry, isBreakerOpenError } from '@breakwater/core';
import { withBreaker } from '@breakwater/fetch';
import { runSmoke } from './smoke.js';

async function realFetch() {
  const registry = new BreakerRegistry({ defaults: { strategy: { failureCount: 1 } } });
  const fetch = withBreaker({ registry });
  const first = await fetch('/api/status/503');
  if (first.status !== 503) throw new Error(`expected a 503, got ${first.status}`);
  const second = await fetch('/api/status/200').catch((error) => error);
  if (!isBreakerOpenError(second)) throw new Error(`expected a rejection, got ${second}`);
  const hits = await (await globalThis.fetch('/api/hits')).json();
  if (hits !== 1) throw new Error(`the open breaker let a request through (${hits} hits)`);
  registry.dispose();
  return 'browser fetch';
}

globalThis.smokeResult = runSmoke({ adapters: true })
  .then(
    async (ran) => ({ ran: [...ran, await realFetch()] }),
    (error) => ({ error: String(error?.stack ?? error) }),
  )
  .catch((error) => ({ error: String(error?.stack ?? error) }));
