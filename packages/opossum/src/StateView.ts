import type { StateChangeEvent } from '@breakwater/core/adapter';
import { type BreakerParts, emit, renewAbortController } from './call/BreakerParts.ts';
import { backgroundTimer } from './timers.ts';

/**
 * opossum's states on top of the core's. The core moves open → half-open lazily, at the first
 * call after the open period; opossum does it from a `resetTimeout` timer, emits `'halfOpen'`
 * then, and reports `halfOpen` and `pendingClose` until the trial call. So while the core is
 * open, one unref'd timer per open breaker marks the period as due and emits `'halfOpen'` when
 * opossum would; the core's own (lazy) transition is then silent. The timer is cleared when the
 * breaker closes, re-opens or shuts down.
 */
export class StateView {
  readonly #parts: BreakerParts<never, unknown>;
  /** The core is open and its open period is over: opossum's half-open, pending close. */
  #due = false;
  #timer: unknown;
  /** The current open period: its length, and when it started on the monotonic clock. */
  #openMs = 0;
  #openedAt = 0;
  /** Epoch ms the breaker last opened, for `toJSON().state.lastTimerAt`. */
  #lastOpenedAt: number | undefined;

  constructor(parts: BreakerParts<never, unknown>) {
    this.#parts = parts;
  }

  /** opossum's `opened`: rejecting calls, open period not over (or forced open). */
  get opened(): boolean {
    const state = this.#parts.core.state;
    return (state === 'open' && !this.#due) || state === 'forced_open';
  }

  /** opossum's `halfOpen`: the open period is over, a trial call decides. */
  get halfOpen(): boolean {
    const state = this.#parts.core.state;
    return state === 'half_open' || (state === 'open' && this.#due);
  }

  /** opossum's `closed` (a core disabled by hand through `breaker.breakwater` admits too). */
  get closed(): boolean {
    const state = this.#parts.core.state;
    return state === 'closed' || state === 'disabled';
  }

  /** opossum's `pendingClose`: half-open, and a trial call may still go through. */
  get pendingClose(): boolean {
    const state = this.#parts.core.state;
    if (state === 'open') return this.#due;
    if (state !== 'half_open') return false;
    return this.#parts.core.snapshot().halfOpen.probesInFlight < this.#parts.core.options.maxProbes;
  }

  get lastOpenedAt(): number | undefined {
    return this.#lastOpenedAt;
  }

  /**
   * Adopts the state the core was built with (a restored `state` option): open until
   * `openUntil` (epoch ms) with the timer for the rest, or half-open pending close.
   */
  restore(openUntil: number | 'halfOpen', lastOpenedAt: number | undefined): void {
    this.#lastOpenedAt = lastOpenedAt;
    if (openUntil === 'halfOpen') {
      this.#due = true;
      return;
    }
    this.#startPeriod(Math.max(0, openUntil - this.#parts.clock.now()));
  }

  /** Follows a core transition and emits opossum's event for it. */
  onStateChange(event: StateChangeEvent): void {
    const wasOpened = event.from === 'forced_open' || (event.from === 'open' && !this.#due);
    const wasDue = this.#due;
    this.#due = false;
    this.#stopTimer();
    switch (event.to) {
      case 'open':
        this.#lastOpenedAt = event.at;
        this.#startPeriod(event.openUntil - event.at);
        this.#mark(true);
        if (!wasOpened) emit(this.#parts, 'open');
        return;
      case 'forced_open':
        this.#mark(true);
        if (!wasOpened) emit(this.#parts, 'open');
        return;
      case 'half_open':
        // The core half-opened before the timer fired (a call at the very end of the period).
        if (!wasDue) this.#halfOpened();
        return;
      default:
        this.#mark(false);
        renewAbortController(this.#parts);
        if (event.from !== 'closed' && event.from !== 'disabled') emit(this.#parts, 'close');
    }
  }

  /** Clears the timer: `shutdown()`. */
  stop(): void {
    this.#stopTimer();
  }

  #startPeriod(openMs: number): void {
    this.#openMs = openMs;
    this.#openedAt = this.#parts.clock.monotonic();
    // An open period without end (`maxRecoveryAttempts`, forced) has no half-open to announce.
    if (Number.isFinite(openMs)) this.#arm(openMs);
  }

  #arm(ms: number): void {
    this.#timer = backgroundTimer(this.#parts.clock, () => this.#onTimer(), ms);
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#parts.core.state !== 'open' || this.#due) return;
    // A platform timer may fire a millisecond early; the core would still reject then.
    const left = this.#openMs - (this.#parts.clock.monotonic() - this.#openedAt);
    if (left > 0) {
      this.#arm(left);
      return;
    }
    this.#due = true;
    this.#halfOpened();
  }

  #halfOpened(): void {
    renewAbortController(this.#parts);
    emit(this.#parts, 'halfOpen', this.#openMs);
  }

  /** opossum marks the window's current bucket when the breaker opens or closes. */
  #mark(open: boolean): void {
    this.#parts.window.markOpen(open);
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return;
    this.#parts.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
