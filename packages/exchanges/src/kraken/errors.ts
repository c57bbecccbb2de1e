/**
 * A Kraken error or warning string, split by Kraken's grammar:
 * `<severity><category>:<type>[:<extra>]`, such as `EOrder:Insufficient funds` or
 * `EService: Throttled: 1767225660` (Kraken puts spaces after the colons of some). Each part is
 * trimmed.
 * @see {@link https://docs.kraken.com/api/docs/guides/spot-errors}
 */
export interface KrakenError {
  /** `E` for an error, `W` for a warning. */
  readonly severity: 'E' | 'W';
  /** The category with its severity letter: `EService`, `EOrder`, `WGeneral`. */
  readonly category: string;
  /** The error type: `Unavailable`, `Throttled`, `Invalid arguments`. */
  readonly type: string;
  /** What follows the type: a timestamp, the argument that was invalid; `''` when none. */
  readonly extra: string;
}

/** Splits a Kraken error string by its grammar; `undefined` when it follows none. */
export function parseKrakenError(text: string): KrakenError | undefined {
  const trimmed = text.trim();
  const severity = trimmed[0];
  if (severity !== 'E' && severity !== 'W') return undefined;
  const first = trimmed.indexOf(':');
  if (first === -1) return { severity, category: trimmed, type: '', extra: '' };
  const second = trimmed.indexOf(':', first + 1);
  return {
    severity,
    category: trimmed.slice(0, first).trim(),
    type: (second === -1 ? trimmed.slice(first + 1) : trimmed.slice(first + 1, second)).trim(),
    extra: second === -1 ? '' : trimmed.slice(second + 1).trim(),
  };
}
