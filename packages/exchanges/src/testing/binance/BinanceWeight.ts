import type { Clock } from '@breakwater/core';

/** Binance's longest ban: "from 2 minutes to 3 days". */
const maxBanMs = 3 * 86_400_000;
const windowMs = 60_000;

interface IpState {
  windowStart: number;
  used: number;
  rateLimitedCount: number;
  bannedUntil: number;
  banCount: number;
}

/** What the weight counter decides for one request. */
export type WeightDecision =
  | { readonly kind: 'ok'; readonly used: number }
  | { readonly kind: 'limited'; readonly used: number; readonly retryAfterMs: number }
  | { readonly kind: 'banned'; readonly untilMs: number; readonly newBan: boolean };

/**
 * Binance's request weight per IP in fixed one-minute windows (`X-MBX-USED-WEIGHT-1M`). Over the
 * limit a request gets a 429 with `Retry-After` until the window ends; an IP that keeps sending
 * after `toleratedCount` 429s in one window is banned (418), for `banMs` the first time and
 * twice as long each time after, up to three days.
 * @see {@link https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits}
 */
export class BinanceWeight {
  #clock: Clock;
  #limit: number;
  #banMs: number;
  #toleratedCount: number;
  #ips = new Map<string, IpState>();

  constructor(clock: Clock, limit: number, banMs: number, toleratedCount: number) {
    this.#clock = clock;
    this.#limit = limit;
    this.#banMs = banMs;
    this.#toleratedCount = toleratedCount;
  }

  /** Spends `weight` for `ip` now. */
  spend(ip: string, weight: number): WeightDecision {
    const now = this.#clock.now();
    const windowStart = now - (now % windowMs);
    let state = this.#ips.get(ip);
    if (state === undefined) {
      state = { windowStart, used: 0, rateLimitedCount: 0, bannedUntil: 0, banCount: 0 };
      this.#ips.set(ip, state);
    }
    if (state.bannedUntil > now)
      return { kind: 'banned', untilMs: state.bannedUntil, newBan: false };
    if (state.windowStart !== windowStart) {
      state.windowStart = windowStart;
      state.used = 0;
      state.rateLimitedCount = 0;
    }
    state.used += weight;
    if (state.used <= this.#limit) return { kind: 'ok', used: state.used };
    state.rateLimitedCount++;
    if (state.rateLimitedCount > this.#toleratedCount) {
      const banMs = Math.min(maxBanMs, this.#banMs * 2 ** state.banCount);
      state.banCount++;
      state.bannedUntil = now + banMs;
      return { kind: 'banned', untilMs: state.bannedUntil, newBan: true };
    }
    return { kind: 'limited', used: state.used, retryAfterMs: windowStart + windowMs - now };
  }

  /** The weight `ip` used in the current window. */
  used(ip: string): number {
    const state = this.#ips.get(ip);
    const now = this.#clock.now();
    return state === undefined || state.windowStart !== now - (now % windowMs) ? 0 : state.used;
  }

  /** Lifts every ban and forgets every window. */
  reset(): void {
    this.#ips.clear();
  }
}
