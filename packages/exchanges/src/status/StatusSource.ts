import type { ExchangeId } from '../types.ts';
import type { SystemHealth } from './types.ts';

/**
 * Where an exchange announces its state and how to read the answer: the data each exchange
 * gives the one shared status reader. Not part of the public API.
 */
export interface StatusSource {
  readonly exchange: ExchangeId;
  /** The production REST URL. */
  readonly baseUrl: string;
  /** The status endpoint's path, also its endpoint name in a preset. */
  readonly path: string;
  readonly answer: ModeAnswer | EventsAnswer;
}

/** One field names the platform's mode (Kraken `result.status`, Binance `status`). */
export interface ModeAnswer {
  readonly kind: 'mode';
  /** Where the mode is. */
  readonly mode: readonly string[];
  /** Each mode's health, by the mode as a string; other modes are `unknown`. */
  readonly health: Readonly<Record<string, SystemHealth>>;
  /** Where a human-readable detail is, when not the mode itself (Binance `msg`). */
  readonly detail?: readonly string[];
  /** Where an error list is (Kraken's `error`), and the health its errors mean. */
  readonly errors?: {
    readonly at: readonly string[];
    readonly health: (errors: readonly string[]) => SystemHealth;
  };
}

/** A list of maintenance events, each with a state, begin and end (Bybit, OKX). */
export interface EventsAnswer {
  readonly kind: 'events';
  /** The answer's success code: where it is and its value as a string (`retCode` 0, `code` "0"). */
  readonly ok: { readonly at: readonly string[]; readonly value: string };
  /** Where the answer's message is, reported when the answer is not a success. */
  readonly message: readonly string[];
  /** Where the event list is. */
  readonly list: readonly string[];
  /** Event states that mean degraded rather than down (OKX `pre_open`). */
  readonly degraded: readonly string[];
  /** An event field and value that mark an outage of part of the service only (degraded). */
  readonly partial?: { readonly field: string; readonly value: string };
}
