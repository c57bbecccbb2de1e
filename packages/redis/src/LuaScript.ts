import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisClient } from './Connections.ts';

/** What every script in `lua.ts` returns. */
export interface ScriptReply {
  readonly code: string;
  /** The state record after the script ran; `''` when there is none. */
  readonly record: string;
  /** Redis' time (ms) while the script ran. */
  readonly redisNow: number;
  /** 1: the state key held something else; 2: the lease or votes key did (bits). */
  readonly invalid: number;
  /** Votes counted, or the ms a held lease has left. */
  readonly extra: number;
}

/**
 * A Lua script called by its SHA (`EVALSHA`): the source crosses the network only when a server
 * does not know it yet (`NOSCRIPT`: a new node, a restart, `SCRIPT FLUSH`), and then `EVAL` sends
 * it once, which also loads it on exactly the node that holds the keys (in a Cluster,
 * `SCRIPT LOAD` would reach some other node). Calls that meet `NOSCRIPT` while another call is
 * sending the source wait for it and retry by SHA.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;
  readonly #keyCount: number;
  /** The `EVAL` that is loading the script again, while one is in flight. */
  #reloading: Promise<unknown> | undefined;

  constructor(source: string, keyCount: number) {
    this.#source = source;
    this.#keyCount = keyCount;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Loads the script on a standalone server ahead of its first call, so calls sent in a row run
   * in order (a call that meets `NOSCRIPT` is sent again after the ones behind it). A Cluster
   * loads it on first use instead, on the node that holds the keys.
   */
  async preload(connection: RedisClient): Promise<void> {
    if (connection.isCluster) return;
    await (connection as Redis).script('LOAD', this.#source);
  }

  /** Runs the script and reads the reply every script in `lua.ts` gives. */
  async run(
    connection: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<ScriptReply> {
    return toReply(await this.call(connection, keys, args));
  }

  /** Runs the script and returns its reply as Redis sent it. */
  async call(
    connection: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await connection.evalsha(this.#sha, this.#keyCount, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
    }
    // Calls sent together (thousands of breakers loading at start, or reconciling after a
    // restart) all come back NOSCRIPT: one sends the source, the others wait and retry by SHA.
    const reloading = this.#reloading;
    if (reloading !== undefined) {
      await reloading.then(
        () => {},
        () => {},
      );
      try {
        return await connection.evalsha(this.#sha, this.#keyCount, ...keys, ...args);
      } catch (error) {
        // Another Cluster node, or flushed again: send the source ourselves.
        if (!isNoScript(error)) throw error;
      }
    }
    const evaluation = connection.eval(this.#source, this.#keyCount, ...keys, ...args);
    this.#reloading = evaluation;
    try {
      return await evaluation;
    } finally {
      if (this.#reloading === evaluation) this.#reloading = undefined;
    }
  }
}

function isNoScript(error: unknown): boolean {
  return String((error as Error | undefined)?.message).startsWith('NOSCRIPT');
}

function toReply(reply: unknown): ScriptReply {
  if (!Array.isArray(reply) || reply.length !== 5) {
    throw new Error('Unexpected reply from a Breakwater Lua script.');
  }
  const [code, record, redisNow, invalid, extra] = reply as unknown[];
  return {
    code: String(code),
    record: String(record),
    redisNow: Number(redisNow),
    invalid: Number(invalid),
    extra: Number(extra),
  };
}
