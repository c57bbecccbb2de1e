import { useBreaker } from '@breakwater/axios';
import { BreakerRegistry } from '@breakwater/core';
import axios, { type AxiosInstance } from 'axios';
import { unexpected } from '../../actions.ts';
import type { Impl } from '../../harness.ts';
import { stubAxiosAdapter, stubUrl } from '../../stubTransports.ts';
import { stubLoop } from './stubLoop.ts';

/** `guard-axios`: axios' pipeline (interceptors, transforms) over an adapter that answers at once. */
function axiosLoop(name: string, client: AxiosInstance) {
  return stubLoop(async () => {
    const response = await client.get<Record<string, never>>(stubUrl);
    if (response.status !== 200 || Object.keys(response.data).length !== 0) {
      throw unexpected(name, 'got a wrong response');
    }
  });
}

export const bareGuardAxios: Impl = {
  name: 'bare',
  config:
    'axios.create({ adapter: stubAdapter }).get(url), the adapter resolving a ready response ' +
    '(200, JSON text axios parses)',
  create: () => axiosLoop('bare', axios.create({ adapter: stubAxiosAdapter })),
};

export const breakwaterGuardAxios: Impl = {
  name: 'breakwater',
  config: 'the same instance with useBreaker(client, { registry: new BreakerRegistry() })',
  create() {
    const registry = new BreakerRegistry();
    const client = axios.create({ adapter: stubAxiosAdapter });
    useBreaker(client, { registry });
    return { ...axiosLoop('breakwater', client), dispose: () => registry.dispose() };
  },
};
