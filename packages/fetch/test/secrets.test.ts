import { BreakerRegistry, ManualClock, type RegistryBreakerOptions } from '@breakwater/core';
import { withBreaker } from '@breakwater/fetch';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const secrets = [
  'k3y-SECRET-api-key-0123456789',
  'sig-c0ffee-SIGNATURE-abcdef',
  'Bearer tok-PASSWORD-987',
  'passphrase-SECRET-xyz',
];

let server: LoopbackServer;

beforeEach(async () => {
  server = await startLoopbackServer();
});

afterEach(async () => {
  await server.close();
});

/** Everything observable outside the call: events, errors, snapshots, health. */
function observe(registry: BreakerRegistry) {
  const seen: unknown[] = [];
  registry.on('added', ({ name, breaker }) => {
    seen.push(name);
    for (const event of [
      'call',
      'success',
      'failure',
      'ignored',
      'timeout',
      'rejected',
      'stateChange',
      'storeError',
    ] as const) {
      breaker.on(event, (payload) => seen.push(payload));
    }
  });
  registry.on('stateChange', (payload) => seen.push(payload));
  return seen;
}

function serialize(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
  );
}

describe('secrets', () => {
  it('never appear in errors, events, snapshots or health', async () => {
    const clock = new ManualClock();
    const defaults: RegistryBreakerOptions = {
      clock,
      openMs: 1_000,
      strategy: { type: 'consecutive', failureCount: 2 },
    };
    const registry = new BreakerRegistry({ defaults });
    const seen = observe(registry);
    const fetch = withBreaker(globalThis.fetch, { registry });
    const url = server.url(`/status/503?apiKey=${secrets[0]}&signature=${secrets[1]}`);
    const headers = {
      authorization: secrets[2]!,
      'X-MBX-APIKEY': secrets[0]!,
      'OK-ACCESS-PASSPHRASE': secrets[3]!,
    };
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        const response = await fetch(url, {
          method: i % 2 ? 'POST' : 'GET',
          headers,
        });
        await response.text();
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors.length).toBeGreaterThan(0);
    const everything = serialize({
      seen,
      errors,
      messages: errors.map((e) => String(e)),
      snapshots: registry.list(),
      health: registry.health(),
    });
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('apiKey=');
    expect(everything).not.toContain('?');
    registry.dispose();
  });
});
