import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@breakwater/core';
import { circuitBreaker } from '@breakwater/fetch/node';
import type { Dispatcher } from 'undici';
import { unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';

/**
 * The undici case: one `GET /` per operation with the global `fetch` (Node's own), to a loopback
 * `node:http` server answering a 2-byte JSON body that the loop reads and checks. Each
 * implementation installs its own undici 8 `Agent` as the global dispatcher for its batches: a
 * plain one, or one composed with the interceptor. They share one server, started by the first
 * subject and closed with the last.
 *
 * Importing undici installs an undici 8 Agent as the global dispatcher when there is none yet, so
 * it is imported only when this case runs, and the global dispatcher slots are put back as they
 * were when the last subject is disposed: the other cases' `fetch` runs as it does without it.
 */

const body = '{}';
/** The global dispatcher slots of undici 8 and of Node's bundled undici (legacy). */
const slots = [Symbol.for('undici.globalDispatcher.2'), Symbol.for('undici.globalDispatcher.1')];
let shared:
  | { server: Server; url: string; users: number; undici: Undici; saved: unknown[] }
  | undefined;

type Undici = typeof import('undici');

async function acquire(): Promise<{ url: string; undici: Undici }> {
  if (shared === undefined) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/`;
    // Node's bundled undici fills the slots on its first fetch: after it, undici 8 keeps them.
    await (await fetch(url)).text();
    const saved = slots.map((slot) => (globalThis as Record<symbol, unknown>)[slot]);
    const undici = await import('undici');
    shared = { server, url, users: 0, undici, saved };
  }
  shared.users++;
  return shared;
}

function release(): void {
  if (shared === undefined || --shared.users > 0) return;
  const { server, saved } = shared;
  // Both slots are writable; Node's fetch reads the legacy one.
  for (const [i, slot] of slots.entries()) (globalThis as Record<symbol, unknown>)[slot] = saved[i];
  server.closeAllConnections();
  server.close();
  shared = undefined;
}

function subject(name: string, agent: Dispatcher, dispose: () => void): Subject {
  const { url, undici } = shared!;
  return {
    async run(count) {
      undici.setGlobalDispatcher(agent);
      for (let i = 0; i < count; i++) {
        const response = await fetch(url);
        if (response.status !== 200 || (await response.text()) !== body) {
          throw unexpected(name, 'got a wrong response');
        }
      }
    },
    dispose() {
      void agent.close();
      dispose();
      release();
    },
  };
}

export const bareUndici: Impl = {
  name: 'bare',
  config:
    'setGlobalDispatcher(new Agent()) (undici 8), await fetch(url) + response.text(), ' +
    'loopback node:http server',
  async create() {
    const { undici } = await acquire();
    return subject('bare', new undici.Agent(), () => {});
  },
};

export const breakwaterUndici: Impl = {
  name: 'breakwater',
  config:
    'setGlobalDispatcher(new Agent().compose(circuitBreaker({ registry: new BreakerRegistry() }))) ' +
    '(defaults: key url.origin, consecutive(5), no body rules, no timeout), same request',
  async create() {
    const { undici } = await acquire();
    const registry = new BreakerRegistry();
    const agent = new undici.Agent().compose(circuitBreaker({ registry }));
    return subject('breakwater', agent, () => registry.dispose());
  },
};
