import { BreakerRegistry } from '@breakwater/core';
import { breakerHooks } from '@breakwater/got';
import got, { type Got } from 'got';
import { unexpected } from '../../actions.ts';
import type { Impl } from '../../harness.ts';
import { stubBody, stubGotRequest, stubUrl } from '../../stubTransports.ts';
import { stubLoop } from './stubLoop.ts';

/** `guard-got`: got's pipeline over a `request` function that returns a ready response stream. */
function gotLoop(name: string, client: Got) {
  return stubLoop(async () => {
    const response = await client(stubUrl);
    if (response.statusCode !== 200 || response.body !== stubBody) {
      throw unexpected(name, 'got a wrong response');
    }
  });
}

export const bareGuardGot: Impl = {
  name: 'bare',
  config:
    'got.extend({ request: stubRequest })(url) (got 16 defaults), stubRequest returning a ready ' +
    'response stream',
  create: () => gotLoop('bare', got.extend({ request: stubGotRequest as never })),
};

export const breakwaterGuardGot: Impl = {
  name: 'breakwater',
  config:
    'got.extend({ request: stubRequest }, breakerHooks({ registry: new BreakerRegistry() })), ' +
    'same request',
  create() {
    const registry = new BreakerRegistry();
    const client = got.extend({ request: stubGotRequest as never }, breakerHooks({ registry }));
    return { ...gotLoop('breakwater', client), dispose: () => registry.dispose() };
  },
};
