import { BreakerRegistry } from '@breakwater/core';
import { breakerHooks } from '@breakwater/ky';
import ky, { type KyInstance } from 'ky';
import { unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';
import { acquireServer, loopbackBody, releaseServer } from '../loopbackServer.ts';

/**
 * The ky case: one `GET /` to a loopback `node:http` server per operation, answered with a
 * 2-byte JSON body read with ky's `.text()` shortcut and checked. Both implementations share one
 * server (started by the first subject, closed with the last) and the global fetch's connection
 * pool, so they differ only by the hooks.
 */

function subject(name: string, url: string, client: KyInstance): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        if ((await client.get(url).text()) !== loopbackBody) {
          throw unexpected(name, 'got a wrong response');
        }
      }
    },
    dispose: releaseServer,
  };
}

export const bareKy: Impl = {
  name: 'bare',
  config: 'await ky.get(url).text() (ky 2 defaults), loopback node:http server',
  async create() {
    return subject('bare', await acquireServer(), ky);
  },
};

export const breakwaterKy: Impl = {
  name: 'breakwater',
  config:
    'ky.extend(breakerHooks({ registry: new BreakerRegistry() })) (defaults: key url.origin, ' +
    'consecutive(5), no timeout of its own), same request',
  async create() {
    const url = await acquireServer();
    const registry = new BreakerRegistry();
    const wrapped = subject('breakwater', url, ky.extend(breakerHooks({ registry })));
    return {
      run: wrapped.run,
      dispose() {
        registry.dispose();
        wrapped.dispose();
      },
    };
  },
};
