/** The exchanges the bot trades on. */
export type ExchangeId = 'kraken' | 'binance';

/** What goes wrong in an incident (the simulator plays each the way the real exchange does). */
export type IncidentKind =
  | 'server-errors'
  | 'retry-after'
  | 'kraken-rate-limit'
  | 'weight-exhausted'
  | 'maintenance'
  | 'order-timeout'
  | 'ws-drop'
  | 'ws-silent';

/** One scripted incident, in the story's own time: the default 60-second run. */
export interface Incident {
  readonly kind: IncidentKind;
  readonly exchange: ExchangeId;
  /** When it starts, in ms from the start of the story. */
  readonly atMs: number;
  /** How long it lasts, in ms (0: a one-off event such as a dropped socket). */
  readonly forMs: number;
  /** What the live view and the summary call it. */
  readonly label: string;
  /** The endpoints it hits: `'private'` for account calls only; every endpoint by default. */
  readonly scope?: 'private';
}

/** The length of the story, in its own milliseconds; `--duration` plays it faster or slower. */
export const storyMs = 60_000;

/**
 * The story: a calm start, then each incident that gets real bots banned or makes them send an
 * order twice, and a calm end in which both bots should recover.
 */
export const timeline: readonly Incident[] = [
  {
    kind: 'server-errors',
    exchange: 'kraken',
    atMs: 4_000,
    forMs: 8_000,
    label: 'Kraken 5xx storm',
  },
  {
    kind: 'retry-after',
    exchange: 'binance',
    atMs: 8_000,
    forMs: 6_000,
    label: 'Binance 429 with Retry-After',
  },
  {
    kind: 'order-timeout',
    exchange: 'kraken',
    atMs: 16_000,
    forMs: 8_000,
    label: 'Kraken orders time out, but are placed',
  },
  {
    // Another job on the same IP spends the minute's request weight; the minute ends at 30 s.
    kind: 'weight-exhausted',
    exchange: 'binance',
    atMs: 21_000,
    forMs: 9_000,
    label: 'Binance weight used up: 429 until the minute ends, 418 ban for who keeps sending',
  },
  {
    kind: 'kraken-rate-limit',
    exchange: 'kraken',
    atMs: 26_000,
    forMs: 8_000,
    scope: 'private',
    label: 'Kraken EAPI:Rate limit exceeded on HTTP 200',
  },
  { kind: 'ws-drop', exchange: 'kraken', atMs: 36_000, forMs: 0, label: 'Kraken WebSocket drops' },
  {
    kind: 'maintenance',
    exchange: 'binance',
    atMs: 38_000,
    forMs: 9_000,
    label: 'Binance maintenance (status endpoint and 503s)',
  },
  {
    kind: 'ws-silent',
    exchange: 'binance',
    atMs: 49_000,
    forMs: 6_000,
    label: 'Binance socket goes silent',
  },
];

/** Incidents in which the exchange's HTTP API answers with errors (not the sockets, not one order). */
const failingKinds: ReadonlySet<IncidentKind> = new Set<IncidentKind>([
  'server-errors',
  'retry-after',
  'kraken-rate-limit',
  'weight-exhausted',
  'maintenance',
]);

/** A stretch of the story in which an exchange's API (or its account endpoints) was failing. */
export interface FailingWindow {
  readonly exchange: ExchangeId;
  readonly startMs: number;
  readonly endMs: number;
  readonly scope: 'all' | 'private';
  /**
   * It starts when the stage says so, not at `startMs`: Binance's weight is used up when the
   * other job's requests have been answered, which takes real time.
   */
  readonly cued: boolean;
}

/** When each exchange's API was failing: the failing incidents, overlapping ones merged. */
export function failingWindows(incidents: readonly Incident[] = timeline): FailingWindow[] {
  const windows: FailingWindow[] = [];
  const sorted = incidents
    .filter((incident) => failingKinds.has(incident.kind))
    .sort((a, b) => a.atMs - b.atMs);
  for (const { kind, exchange, atMs, forMs, scope = 'all' } of sorted) {
    const cued = kind === 'weight-exhausted';
    const last = windows.findLast((window) => window.exchange === exchange);
    if (last !== undefined && atMs <= last.endMs) {
      windows[windows.indexOf(last)] = {
        ...last,
        endMs: Math.max(last.endMs, atMs + forMs),
        scope: last.scope === scope ? scope : 'all',
      };
    } else {
      windows.push({ exchange, startMs: atMs, endMs: atMs + forMs, scope, cued });
    }
  }
  return windows;
}

/** The incidents running at `atMs` of the story. */
export function activeIncidents(atMs: number): Incident[] {
  return timeline.filter(
    (incident) => atMs >= incident.atMs && atMs < incident.atMs + incident.forMs,
  );
}
