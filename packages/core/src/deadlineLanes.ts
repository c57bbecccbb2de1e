import { maxTimerMs } from './Clock.ts';

/** What a lane holds: a call with a deadline, linked in the order its deadline falls due. */
export interface LaneMember {
  /** `performance.now()` at which the deadline passes. */
  deadlineAt: number;
  prev: LaneMember | undefined;
  next: LaneMember | undefined;
  /** Called once, when the deadline has passed: never before `deadlineAt`. */
  expire(): void;
}

/** A platform timer: Node's `Timeout` can be unref'd; a browser's is a number. */
type Timer = ReturnType<typeof setTimeout> & { ref?(): unknown; unref?(): unknown };

/**
 * The deadlines of one duration on the system clock, sharing one platform timer.
 *
 * A timer per call (`setTimeout` + `clearTimeout`) is most of what a deadline costs: measured
 * here, about 265 of the ~370 ns of a call with a timeout. Calls with the same duration fall due
 * in the order they start, so a lane is a FIFO list: joining is a link at the tail, leaving
 * (the common case: the call settles first) an unlink, and one timer sits at the head's deadline.
 * When it fires, every member whose deadline has passed expires (the exact check: never early)
 * and the timer is set again for the new head, so it fires at most about once per duration
 * however many calls pass through. It may fire late by the platform's timer resolution, as a
 * timer per call would.
 *
 * An empty lane's timer is unref'd, so an idle process can exit; a member refs it again, so a
 * pending deadline keeps the process alive as its own timer would.
 */
class DeadlineLane {
  readonly #ms: number;
  #head: LaneMember | undefined = undefined;
  #tail: LaneMember | undefined = undefined;
  #timer: Timer | undefined = undefined;
  #refed = false;

  constructor(ms: number) {
    this.#ms = ms;
  }

  // hot path: once per call with a deadline.
  add(member: LaneMember): void {
    member.deadlineAt = performance.now() + this.#ms;
    member.next = undefined;
    member.prev = this.#tail;
    if (this.#tail === undefined) this.#head = member;
    else this.#tail.next = member;
    this.#tail = member;
    if (this.#timer === undefined) this.#arm(this.#ms);
    else if (!this.#refed) this.#ref();
  }

  // hot path: once per call that settles before its deadline.
  remove(member: LaneMember): void {
    const { prev, next } = member;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    member.prev = undefined;
    member.next = undefined;
    if (this.#head === undefined && this.#refed) this.#unref();
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(fire, ms, this) as Timer;
    this.#refed = true;
    if (this.#head === undefined) this.#unref();
  }

  #ref(): void {
    const timer = this.#timer!;
    if (typeof timer.ref === 'function') {
      timer.ref();
      this.#refed = true;
    }
  }

  #unref(): void {
    const timer = this.#timer!;
    if (typeof timer.unref === 'function') {
      timer.unref();
      this.#refed = false;
    } else {
      // A platform without unref (a browser): nothing to keep alive, but no timer is left set.
      clearTimeout(timer);
      this.#timer = undefined;
    }
  }

  /** @internal The timer fired: expire what is due, then wait for the next head. */
  fire(): void {
    // The timer is spent: nothing to unref while members leave.
    this.#timer = undefined;
    this.#refed = false;
    const now = performance.now();
    let member = this.#head;
    while (member !== undefined && member.deadlineAt <= now) {
      this.remove(member);
      member.expire();
      member = this.#head;
    }
    if (member !== undefined) this.#arm(Math.max(1, Math.ceil(member.deadlineAt - now)));
  }
}

function fire(lane: DeadlineLane): void {
  lane.fire();
}

const lanes = new Map<number, DeadlineLane>();

/**
 * Lanes kept at most: applications use a few durations. Past it (durations computed per call,
 * such as "what is left of a budget"), a call sets a timer of its own.
 */
const maxLanes = 64;

/**
 * The lane of deadlines of `ms` on the system clock; `undefined` when a call should set a timer
 * of its own (too many distinct durations) or `ms` is longer than a platform timer holds.
 * Lanes live as long as the process.
 */
export function deadlineLane(ms: number): DeadlineLane | undefined {
  let lane = lanes.get(ms);
  if (lane === undefined) {
    if (!(ms <= maxTimerMs) || lanes.size >= maxLanes) return undefined;
    lane = new DeadlineLane(ms);
    lanes.set(ms, lane);
  }
  return lane;
}

export type { DeadlineLane };
