import { BreakerRegistry } from '@breakwater/core';
import { withBreaker } from '@breakwater/fetch';
import { unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';
import { acquireServer, loopbackBody, releaseServer } from '../loopbackServer.ts';

/**
 * The fetch case: one `GET /` to a loopback `node:http` server per operation, answered with a
 * 2-byte JSON body the loop reads and checks. Both implementations share one server (started by
 * the first subject, closed with the last) and the global fetch's connection pool, so they
 * differ only by the wrapper.
 */

function subject(name: string, url: string, fetch: typeof globalThis.fetch): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        const response = await fetch(url);
        if (response.status !== 200 || (await response.text()) !== loopbackBody) {
          throw unexpected(name, 'got a wrong response');
        }
      }
    },
    dispose: releaseServer,
  };
}

export const bareFetch: Impl = {
  name: 'bare',
  config: 'await fetch(url) + response.text(), loopback node:http server',
  async create() {
    return subject('bare', await acquireServer(), globalThis.fetch);
  },
};

export const breakwaterFetch: Impl = {
  name: 'breakwater',
  config:
    'withBreaker(fetch, { registry: new BreakerRegistry() }) (defaults: key url.origin, ' +
    'consecutive(5), no retry, no timeout), same request',
  async create() {
    const url = await acquireServer();
    const registry = new BreakerRegistry();
    const fetch = withBreaker(globalThis.fetch, { registry });
    const wrapped = subject('breakwater', url, fetch);
    return {
      run: wrapped.run,
      dispose() {
        registry.dispose();
        wrapped.dispose();
      },
    };
  },
};
