import { createHash } from 'node:crypto';

/** The Redis keys that hold one breaker's shared state. */
export interface BreakerKeys {
  /** The breaker's shared state: a JSON record (see `wire.ts`). */
  readonly state: string;
  /** The half-open probe lease: the holder's store id, with an expiry. */
  readonly lease: string;
  /** Quorum votes: a sorted set of store ids scored by the Redis time of their vote. */
  readonly votes: string;
}

/**
 * A breaker's id in Redis: the first 128 bits of the SHA-256 of its name, in hex. Keys and
 * messages carry this id, never the name, so whatever a name holds stays out of Redis, and any
 * name (braces, colons, megabytes) makes a short key that is safe as a Cluster hash tag.
 */
export function breakerId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}

/**
 * The keys of the breaker with id `id` under `prefix`. The id is the hash tag (`{…}`), so all
 * keys of one breaker live in one Redis Cluster slot and one Lua script may touch them all.
 */
export function breakerKeys(prefix: string, id: string): BreakerKeys {
  const base = `${prefix}{${id}}:`;
  return { state: `${base}state`, lease: `${base}lease`, votes: `${base}votes` };
}

/** The one pub/sub channel that carries every shared transition under `prefix`. */
export function transitionChannel(prefix: string): string {
  return `${prefix}transitions`;
}
