import { BreakerRegistry } from '@breakwater/core';
import { breakerHooks } from '@breakwater/got';
import got, { type Got } from 'got';
import { unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';
import { acquireServer, loopbackBody, releaseServer } from '../loopbackServer.ts';

/**
 * The got case: one `GET /` to a loopback `node:http` server per operation, answered with a
 * 2-byte JSON body got buffers and the loop checks. Both implementations share one server
 * (started by the first subject, closed with the last) and got's default agent, so they differ
 * only by the hooks.
 */

function subject(name: string, url: string, client: Got): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        const response = await client(url);
        if (response.statusCode !== 200 || response.body !== loopbackBody) {
          throw unexpected(name, 'got a wrong response');
        }
      }
    },
    dispose: releaseServer,
  };
}

export const bareGot: Impl = {
  name: 'bare',
  config: 'await got(url) (got 16 defaults), loopback node:http server',
  async create() {
    return subject('bare', await acquireServer(), got);
  },
};

export const breakwaterGot: Impl = {
  name: 'breakwater',
  config:
    'got.extend(breakerHooks({ registry: new BreakerRegistry() })) (defaults: key url.origin, ' +
    'consecutive(5), no timeout), same request',
  async create() {
    const url = await acquireServer();
    const registry = new BreakerRegistry();
    const wrapped = subject('breakwater', url, got.extend(breakerHooks({ registry })));
    return {
      run: wrapped.run,
      dispose() {
        registry.dispose();
        wrapped.dispose();
      },
    };
  },
};
