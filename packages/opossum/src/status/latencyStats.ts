/** The percentiles opossum reports, as keys of `stats.percentiles`. */
export const percentileKeys = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 1] as const;

/** Latency figures of a window, in opossum's form. */
export interface LatencyStats {
  readonly latencyTimes: number[];
  readonly latencyMean: number;
  readonly percentiles: { [percentile: number]: number };
}

/**
 * Sorts the window's latencies and derives the mean and the percentiles the way opossum does
 * (nearest rank: the value at `ceil(p × n) − 1`, `0` for an empty window), so dashboards built
 * on opossum read the same numbers. With percentiles disabled every figure is `-1`.
 */
export function latencyStats(latencies: number[], enabled: boolean): LatencyStats {
  const percentiles: { [percentile: number]: number } = {};
  if (!enabled) {
    for (const p of percentileKeys) percentiles[p] = -1;
    return { latencyTimes: [], latencyMean: -1, percentiles };
  }
  latencies.sort(ascending);
  let sum = 0;
  for (const latency of latencies) sum += latency;
  const n = latencies.length;
  for (const p of percentileKeys) {
    percentiles[p] = (p === 0 ? latencies[0] : latencies[Math.ceil(p * n) - 1]) || 0;
  }
  return { latencyTimes: latencies, latencyMean: n === 0 ? 0 : sum / n, percentiles };
}

function ascending(a: number, b: number): number {
  return a - b;
}
