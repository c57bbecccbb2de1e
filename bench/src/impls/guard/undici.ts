import { BreakerRegistry } from '@breakwater/core';
import { circuitBreaker } from '@breakwater/fetch/node';
import type { Dispatcher } from 'undici';
import { unexpected } from '../../actions.ts';
import type { Impl } from '../../harness.ts';
import { stubBody, stubDispatch, stubUrl } from '../../stubTransports.ts';
import { stubLoop } from './stubLoop.ts';

/**
 * `guard-undici`: `dispatcher.request()` (undici 8) on a dispatcher that answers in a microtask,
 * bare or composed with the interceptor. undici is imported when the case runs: importing it
 * installs a global dispatcher, which the other cases must not see (see `impls/undici.ts`).
 */
async function stubDispatcher(): Promise<Dispatcher> {
  const { Dispatcher: Base } = await import('undici');
  class StubDispatcher extends Base {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      return stubDispatch(opts, handler);
    }
    override close(): Promise<void> {
      return Promise.resolve();
    }
    override destroy(): Promise<void> {
      return Promise.resolve();
    }
  }
  return new StubDispatcher();
}

const url = new URL(stubUrl);
const options: Dispatcher.RequestOptions = {
  origin: url.origin,
  path: url.pathname + url.search,
  method: 'GET',
};

function undiciLoop(name: string, dispatcher: Dispatcher) {
  return stubLoop(async () => {
    const { statusCode, body } = await dispatcher.request(options);
    if (statusCode !== 200 || (await body.text()) !== stubBody) {
      throw unexpected(name, 'got a wrong response');
    }
  });
}

export const bareGuardUndici: Impl = {
  name: 'bare',
  config: 'stubDispatcher.request({ origin, path, method: GET }) + body.text(), undici 8',
  create: async () => undiciLoop('bare', await stubDispatcher()),
};

export const breakwaterGuardUndici: Impl = {
  name: 'breakwater',
  config:
    'stubDispatcher.compose(circuitBreaker({ registry: new BreakerRegistry() })) (defaults), ' +
    'same request',
  async create() {
    const registry = new BreakerRegistry();
    const dispatcher = (await stubDispatcher()).compose(circuitBreaker({ registry }));
    return { ...undiciLoop('breakwater', dispatcher), dispose: () => registry.dispose() };
  },
};
