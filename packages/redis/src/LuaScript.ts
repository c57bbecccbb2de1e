import { createHash } from 'node:crypto';
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
 * `SCRIPT LOAD` would reach some other node).
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;
  readonly #keyCount: number;

  constructor(source: string, keyCount: number) {
    this.#source = source;
    this.#keyCount = keyCount;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    connection: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<ScriptReply> {
    let reply: unknown;
    try {
      reply = await connection.evalsha(this.#sha, this.#keyCount, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      reply = await connection.eval(this.#source, this.#keyCount, ...keys, ...args);
    }
    return toReply(reply);
  }
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
