import type { BreakerState, DurableState } from './core.ts';

/** A breaker's shared state as Redis holds it: times in Redis milliseconds (see `lua.ts`). */
export interface FleetRecord {
  readonly state: BreakerState;
  /** The fleet's own version: one more on every shared write, whatever process made it. */
  readonly version: number;
  /** Redis ms of the last opening, 0 if never. */
  readonly openedAt: number;
  /** Redis ms until which it stays open; 0 when not open, -1 until reset. */
  readonly openUntil: number;
  readonly recoveryAttempt: number;
  /** Redis ms of the write. */
  readonly writtenAt: number;
  /** The id of the store that wrote it. */
  readonly writer: string;
}

/** A message on the transition channel: a record and the id of its breaker. */
export interface FleetMessage extends FleetRecord {
  readonly breakerId: string;
}

const states: ReadonlySet<unknown> = new Set<BreakerState>([
  'closed',
  'open',
  'half_open',
  'forced_open',
  'disabled',
]);

/**
 * A state with its times turned into durations, pinned to the monotonic time they were read at,
 * so it can be sent later (a write retried after Redis came back) and still mean the same open
 * period, whatever the wall clock did meanwhile.
 */
export interface HeldState {
  readonly state: BreakerState;
  readonly recoveryAttempt: number;
  /** Ms since the last opening, at `at`; -1 for never. */
  readonly openedAgoMs: number;
  /** Ms left open, at `at`; -2 when not open, -1 until reset. */
  readonly remainingMs: number;
  /** Monotonic ms when it was read. */
  readonly at: number;
}

/** Holds `state`, read when the wall clock said `now` and the monotonic clock `monotonic`. */
export function holdState(state: DurableState, now: number, monotonic: number): HeldState {
  let remainingMs = -2;
  if (state.state === 'open') {
    remainingMs = state.openUntil === Infinity ? -1 : Math.max(0, state.openUntil - now);
  }
  return {
    state: state.state,
    recoveryAttempt: state.recoveryAttempt,
    openedAgoMs: state.openedAt > 0 ? Math.max(0, now - state.openedAt) : -1,
    remainingMs,
    at: monotonic,
  };
}

/**
 * The arguments the write script takes for `held`, as of `monotonic`: durations the script
 * lays on Redis' clock, so no host's wall clock enters the shared record.
 */
export function stateArguments(
  held: HeldState,
  monotonic: number,
): [string, number, number, number] {
  const elapsed = Math.max(0, monotonic - held.at);
  const openedAgo = held.openedAgoMs < 0 ? -1 : Math.round(held.openedAgoMs + elapsed);
  const remaining =
    held.remainingMs < 0 ? held.remainingMs : Math.max(0, Math.ceil(held.remainingMs - elapsed));
  return [held.state, openedAgo, remaining, held.recoveryAttempt];
}

/**
 * The durable state a record means on this host: its Redis times become durations from
 * `redisNow` (Redis' time when the record was read or published), laid on the local clock's
 * `now`. `version` is the version the local breaker is given, which the caller chooses.
 */
export function toDurableState(
  record: FleetRecord,
  redisNow: number,
  now: number,
  version: number,
): DurableState {
  let openUntil = 0;
  if (record.openUntil === -1) openUntil = Infinity;
  else if (record.openUntil > 0) openUntil = now + Math.max(0, record.openUntil - redisNow);
  const openedAt =
    record.openedAt > 0 ? Math.max(0, now - Math.max(0, redisNow - record.openedAt)) : 0;
  return Object.freeze({
    state: record.state,
    version,
    openedAt,
    openUntil,
    recoveryAttempt: record.recoveryAttempt,
  });
}

/**
 * Parses a stored record.
 * @throws Error naming the first invalid field, never quoting the value (it may be anything)
 */
export function parseRecord(text: string): FleetRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('it is not JSON');
  }
  return recordFrom(value);
}

/**
 * Parses a message from the transition channel.
 * @throws Error naming the first invalid field
 */
export function parseMessage(text: string): FleetMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('it is not JSON');
  }
  const record = recordFrom(value);
  const id = (value as Record<string, unknown>).n;
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) {
    throw invalid('`n` is not a breaker id');
  }
  return { ...record, breakerId: id };
}

function recordFrom(value: unknown): FleetRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('it is not an object');
  }
  const fields = value as Record<string, unknown>;
  if (fields.f !== 'bw1') throw invalid("`f` is not 'bw1'");
  if (!states.has(fields.s)) throw invalid('`s` is not a breaker state');
  const openUntil = fields.ou;
  if (openUntil !== -1 && !isCount(openUntil)) throw invalid('`ou` is not a time');
  if (typeof fields.w !== 'string') throw invalid('`w` is not a writer id');
  return {
    state: fields.s as BreakerState,
    version: count(fields, 'v', 1),
    openedAt: count(fields, 'oa', 0),
    openUntil: openUntil as number,
    recoveryAttempt: count(fields, 'ra', 0),
    writtenAt: count(fields, 't', 0),
    writer: fields.w,
  };
}

function count(fields: Record<string, unknown>, key: string, min: number): number {
  const value = fields[key];
  if (!isCount(value) || value < min) throw invalid(`\`${key}\` is not an integer >= ${min}`);
  return value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function invalid(problem: string): Error {
  return new Error(`Not a Breakwater state record: ${problem}.`);
}
