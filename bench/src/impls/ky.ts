import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@breakwater/core';
import { breakerHooks } from '@breakwater/ky';
import ky, { type KyInstance } from 'ky';
import { unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';

/**
 * The ky case: one `GET /` to a loopback `node:http` server per operation, answered with a
 * 2-byte JSON body read with ky's `.text()` shortcut and checked. Both implementations share one
 * server (started by the first subject, closed with the last) and the global fetch's connection
 * pool, so they differ only by the hooks.
 */

const body = '{}';
let shared: { server: Server; url: string; users: number } | undefined;

async function acquireServer(): Promise<string> {
  if (shared === undefined) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    shared = { server, url: `http://127.0.0.1:${port}/`, users: 0 };
  }
  shared.users++;
  return shared.url;
}

function releaseServer(): void {
  if (shared === undefined || --shared.users > 0) return;
  shared.server.closeAllConnections();
  shared.server.close();
  shared = undefined;
}

function subject(name: string, url: string, client: KyInstance): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        if ((await client.get(url).text()) !== body) {
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
