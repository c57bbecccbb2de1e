import { useBreaker } from '@breakwater/axios';
import { BreakerRegistry } from '@breakwater/core';
import axios, { type AxiosInstance } from 'axios';
import { unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';
import { acquireServer, releaseServer } from '../loopbackServer.ts';

/**
 * The axios case: one `GET /` to a loopback `node:http` server per operation, answered with a
 * 2-byte JSON body axios buffers and parses, and the loop checks. Each implementation has its
 * own `axios.create()` instance (the http adapter); they share one server (started by the first
 * subject, closed with the last) and Node's global agent, so they differ only by the
 * interceptors.
 */

function subject(name: string, url: string, client: AxiosInstance): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        const response = await client.get<Record<string, never>>(url);
        if (response.status !== 200 || Object.keys(response.data).length !== 0) {
          throw unexpected(name, 'got a wrong response');
        }
      }
    },
    dispose: releaseServer,
  };
}

export const bareAxios: Impl = {
  name: 'bare',
  config:
    'await axios.create().get(url) (axios 1 defaults, http adapter), loopback node:http server',
  async create() {
    return subject('bare', await acquireServer(), axios.create());
  },
};

export const breakwaterAxios: Impl = {
  name: 'breakwater',
  config:
    'useBreaker(axios.create(), { registry: new BreakerRegistry() }) (defaults: key url.origin, ' +
    'consecutive(5), no timeout), same request',
  async create() {
    const url = await acquireServer();
    const registry = new BreakerRegistry();
    const client = axios.create();
    useBreaker(client, { registry });
    const wrapped = subject('breakwater', url, client);
    return {
      run: wrapped.run,
      dispose() {
        registry.dispose();
        wrapped.dispose();
      },
    };
  },
};
