import type { Clock } from '@breakwater/core';
import type { EndpointGroup } from '../types.ts';
import type { SimExchangeId, SimIncident, SimIncidentSpec, SimIncidentType } from './types.ts';

/** An incident as the timeline keeps it, with the spec it was made from. */
export interface ScheduledIncident extends SimIncident {
  readonly spec: SimIncidentSpec;
}

/** Binance's shortest automated ban: "from 2 minutes to 3 days". */
export const defaultBanMs = 120_000;

type SpecOf<T extends SimIncidentType> = Extract<SimIncidentSpec, { type: T }>;

/**
 * The incidents of one simulator on its clock. Lasting incidents are looked up when a request
 * or a tick needs them (no timer runs for them); instant ones (`wsDrop`) are handed to
 * `onInstant` at their time through one clock timer each.
 */
export class Timeline {
  #clock: Clock;
  #origin: number;
  #incidents: ScheduledIncident[] = [];
  #timers = new Set<unknown>();
  #onInstant: (incident: ScheduledIncident) => void;

  constructor(clock: Clock, onInstant: (incident: ScheduledIncident) => void) {
    this.#clock = clock;
    this.#origin = clock.monotonic();
    this.#onInstant = onInstant;
  }

  /** Milliseconds since the simulator started. */
  elapsedMs(): number {
    return this.#clock.monotonic() - this.#origin;
  }

  add(spec: SimIncidentSpec): ScheduledIncident {
    const now = this.elapsedMs();
    const startMs = Math.max(now, spec.atMs ?? now);
    // A ban without a duration lasts Binance's shortest ban; other incidents last until `end()`.
    const durationMs =
      spec.type === 'wsDrop'
        ? 0
        : (spec.durationMs ?? (spec.type === 'ban' ? defaultBanMs : Infinity));
    let ended = false;
    let endMs = startMs + durationMs;
    const timeline = this;
    const incident: ScheduledIncident = {
      spec,
      type: spec.type,
      exchange: spec.exchange,
      startMs,
      get endMs() {
        return endMs;
      },
      get active() {
        const at = timeline.elapsedMs();
        return !ended && at >= startMs && at < endMs;
      },
      end() {
        if (ended) return;
        ended = true;
        endMs = Math.min(endMs, Math.max(startMs, timeline.elapsedMs()));
      },
    };
    // Incidents that are over are forgotten, so a long-running simulator's lookups stay short.
    this.#incidents = this.#incidents.filter((old) => old.endMs > now);
    this.#incidents.push(incident);
    if (spec.type === 'wsDrop') {
      if (startMs <= now) this.#onInstant(incident);
      else {
        const timer = this.#clock.setTimeout(() => {
          this.#timers.delete(timer);
          if (!ended) this.#onInstant(incident);
        }, startMs - now);
        this.#timers.add(timer);
      }
    }
    return incident;
  }

  /**
   * The latest-started incident of `type` in effect on `exchange` now that hits `group`
   * (HTTP incidents with a `scope`), or `undefined`.
   */
  active<T extends SimIncidentType>(
    exchange: SimExchangeId,
    type: T,
    group?: EndpointGroup,
  ): SpecOf<T> | undefined {
    for (let i = this.#incidents.length - 1; i >= 0; i--) {
      const incident = this.#incidents[i]!;
      if (incident.exchange !== exchange || incident.type !== type || !incident.active) continue;
      const scope = (incident.spec as { scope?: string }).scope ?? 'all';
      if (group !== undefined && scope !== 'all' && scope !== group) continue;
      return incident.spec as SpecOf<T>;
    }
    return undefined;
  }

  /** Milliseconds from now until the active incident of `type` ends (for "banned until"). */
  remainingMs(exchange: SimExchangeId, type: SimIncidentType): number | undefined {
    const now = this.elapsedMs();
    let remaining: number | undefined;
    for (const incident of this.#incidents) {
      if (incident.exchange !== exchange || incident.type !== type || !incident.active) continue;
      remaining = Math.max(remaining ?? 0, incident.endMs - now);
    }
    return remaining;
  }

  /** The incidents in effect now, oldest first. */
  activeIncidents(): SimIncident[] {
    return this.#incidents.filter((incident) => incident.active);
  }

  /** Ends every incident. */
  endAll(): void {
    for (const incident of this.#incidents) incident.end();
    this.dispose();
  }

  /** Clears the timers of instant incidents still to come. */
  dispose(): void {
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }
}
