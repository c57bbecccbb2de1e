/** An acquisition as the script answered it (see `acquireScript`). */
export interface AcquireReply {
  readonly granted: boolean;
  /** Weight granted, or milliseconds to wait when nothing was. */
  readonly amount: number;
  /** How long granted weight may be spent, in ms; `Infinity` when it does not expire. */
  readonly leaseMs: number;
  readonly processes: number;
  readonly invalid: number;
  /** Weight the budget had left after the script. */
  readonly left: number;
}

/**
 * Reads the acquire script's reply.
 * @throws Error when the reply is not one (another program's script under our SHA)
 */
export function parseAcquireReply(reply: unknown): AcquireReply {
  const values = Array.isArray(reply) ? reply.map(Number) : [];
  if (values.length !== 6 || values.some((n) => Number.isNaN(n))) {
    throw new Error('Unexpected reply from the rate limiter script.');
  }
  const [granted, amount, leaseMs, processes, invalid, left] = values as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    granted: granted === 1,
    amount: Math.max(0, amount),
    leaseMs: leaseMs < 0 ? Infinity : leaseMs,
    processes: Math.max(1, processes),
    invalid,
    left: Math.max(0, left),
  };
}
