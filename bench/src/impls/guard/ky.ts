import { BreakerRegistry } from '@breakwater/core';
import { breakerHooks } from '@breakwater/ky';
import ky, { type KyInstance } from 'ky';
import { unexpected } from '../../actions.ts';
import type { Impl } from '../../harness.ts';
import { freshResponseFetch, stubBody, stubUrl } from '../../stubTransports.ts';
import { stubLoop } from './stubLoop.ts';

/** `guard-ky`: ky's pipeline over a `fetch` option resolving a fresh `Response`, body read. */
function kyLoop(name: string, client: KyInstance) {
  return stubLoop(async () => {
    if ((await client.get(stubUrl).text()) !== stubBody) {
      throw unexpected(name, 'got a wrong response');
    }
  });
}

export const bareGuardKy: Impl = {
  name: 'bare',
  config:
    'ky.create({ fetch: stubFetch }).get(url).text() (ky 2 defaults), fresh Response per call',
  create: () => kyLoop('bare', ky.create({ fetch: freshResponseFetch() })),
};

export const breakwaterGuardKy: Impl = {
  name: 'breakwater',
  config:
    'ky.create({ fetch: stubFetch }).extend(breakerHooks({ registry: new BreakerRegistry() })) ' +
    '(defaults), same request',
  create() {
    const registry = new BreakerRegistry();
    const client = ky.create({ fetch: freshResponseFetch() }).extend(breakerHooks({ registry }));
    return { ...kyLoop('breakwater', client), dispose: () => registry.dispose() };
  },
};
