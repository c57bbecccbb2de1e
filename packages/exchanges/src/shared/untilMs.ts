/**
 * Milliseconds from `nowMs` until the epoch time `atMs`, or `undefined` when `atMs` is not a
 * finite time after now, or lies further ahead than `maxMs`: a "throttled until" or "banned
 * until" time years away is garbage (a seconds/milliseconds mix-up, a corrupted message), and
 * the breaker's own recovery is a better guess than a lockout until then. Not part of the
 * public API.
 */
export function untilMs(
  atMs: number | undefined,
  nowMs: number,
  maxMs = Number.POSITIVE_INFINITY,
): number | undefined {
  if (atMs === undefined || !Number.isFinite(atMs) || !Number.isFinite(nowMs)) return undefined;
  const ms = Math.ceil(atMs - nowMs);
  return ms > 0 && ms <= maxMs ? ms : undefined;
}

/**
 * An epoch time in milliseconds from a Unix timestamp that may be in seconds (Kraken) or in
 * milliseconds (Binance, Bybit, OKX): ten digits or fewer are seconds. `undefined` for anything
 * that is not a finite positive number. Not part of the public API.
 */
export function epochMsOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  return n < 1e11 ? n * 1000 : n;
}
