/**
 * What a batch is timed with. `wall` (the default) is elapsed time (`process.hrtime`). `cpu` is
 * the CPU time this process used (`process.cpuUsage()`, user + system, µs resolution): on a
 * machine shared with other work, elapsed time also counts the time the process waited for a
 * core, which swung wall-clock figures by 2–4× here, while CPU time does not. On a quiet machine
 * the two agree for the in-process cases; for the loopback cases CPU time leaves out the time
 * spent waiting on the socket.
 */
export type BenchClock = 'wall' | 'cpu';

/** A reading of `clock`, in ns. */
export function readClock(clock: BenchClock): number {
  if (clock === 'wall') return Number(process.hrtime.bigint());
  const { user, system } = process.cpuUsage();
  return (user + system) * 1_000;
}
