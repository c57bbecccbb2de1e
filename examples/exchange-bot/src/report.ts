import type { ExchangeId } from './timeline.ts';

/** Which bot: the one behind Breakwater, or the same bot with bare clients. */
export type BotMode = 'breakwater' | 'bare';

/** One line of the live table: a breaker (Breakwater bot) or a client's tally (bare bot). */
export interface BreakerRow {
  readonly name: string;
  /** `closed`, `open`, `half_open`, … for breakers; `connected`/`reconnecting` for sockets. */
  readonly state: string;
  /** Milliseconds (story time) until an open breaker probes again, when known. */
  readonly openForMs?: number;
  readonly calls: number;
  readonly failures: number;
  /** Calls answered at once by an open breaker: nothing was sent. */
  readonly fastFails: number;
}

/** What the exchange saw of one bot: counted by the simulator, not by the bot. */
export interface ExchangeTally {
  /** Every HTTP request the exchange received from this bot. */
  readonly requests: number;
  /** Requests that arrived while an incident on this exchange was running. */
  readonly requestsWhileFailing: number;
  /** IP bans handed out (Binance's 418s for weight). */
  readonly bans: number;
  /** Requests answered with a ban (418). */
  readonly bannedRequests: number;
  /** Orders the exchange placed twice (the same client order id sent again). */
  readonly ordersSentTwice: number;
  /** WebSocket connections opened. */
  readonly wsConnects: number;
}

/** Everything one bot's run produced, for the summary. */
export interface RunReport {
  readonly mode: BotMode;
  readonly exchanges: Readonly<Record<ExchangeId, ExchangeTally>>;
  /**
   * Story milliseconds from the end of the last incident on each exchange until the bot's next
   * successful request to it; `undefined` when it never got one before the end.
   */
  readonly recoveryMs: Readonly<Record<ExchangeId, number | undefined>>;
  readonly rows: readonly BreakerRow[];
}

/** The three numbers the issue promises, checked by the demo's test. */
export interface DemoSummary {
  readonly storyMs: number;
  readonly realMs: number;
  readonly breakwater: RunReport;
  readonly bare: RunReport;
  /** Breakwater's requests to failing exchanges over the bare bot's, 0–1 (lower is better). */
  readonly failingRequestRatio: number;
}

export const exchanges: readonly ExchangeId[] = ['kraken', 'binance'];

/** Sums a tally field over both exchanges. */
export function total(report: RunReport, field: keyof ExchangeTally): number {
  return exchanges.reduce((sum, id) => sum + report.exchanges[id][field], 0);
}

export function summarize(
  breakwater: RunReport,
  bare: RunReport,
  storyMs: number,
  realMs: number,
): DemoSummary {
  const bareFailing = total(bare, 'requestsWhileFailing');
  const ratio = bareFailing === 0 ? 0 : total(breakwater, 'requestsWhileFailing') / bareFailing;
  return { storyMs, realMs, breakwater, bare, failingRequestRatio: ratio };
}
