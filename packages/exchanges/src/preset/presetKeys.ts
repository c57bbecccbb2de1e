import type { EndpointGroup } from '../types.ts';

/**
 * The breaker keys of a preset: `<prefix>:<environment>:<group>`, such as
 * `kraken:api.kraken.com:order`, or `<prefix>:<environment>` without groups. The environment
 * is the preset's `environment` option, else the request's host (with its port, when not the
 * default), so a testnet, a sandbox and production never share a breaker. Not part of the
 * public API.
 */
export function presetKeys(
  prefix: string,
  environment: string | undefined,
  grouped: boolean,
): (host: string, group: EndpointGroup) => string {
  // The host rarely changes between calls: remember the last one's keys.
  let lastHost: string | undefined;
  let last: Readonly<Record<EndpointGroup, string>> | undefined;
  return (host, group) => {
    const name = environment ?? host;
    if (name !== lastHost || last === undefined) {
      const base = `${prefix}:${name}`;
      last = grouped
        ? { public: `${base}:public`, private: `${base}:private`, order: `${base}:order` }
        : { public: base, private: base, order: base };
      lastHost = name;
    }
    return last[group];
  };
}
