/**
 * Milliseconds from `nowMs` until the epoch time `atMs`, or `undefined` when `atMs` is not a
 * finite time after now. For "banned until" and "resets at" timestamps. Not part of the public
 * API.
 */
export function untilMs(atMs: number | undefined, nowMs: number): number | undefined {
  if (atMs === undefined || !Number.isFinite(atMs)) return undefined;
  const ms = Math.ceil(atMs - nowMs);
  return ms > 0 ? ms : undefined;
}
