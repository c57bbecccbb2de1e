import { CircuitBreaker } from '@breakwater/core';

const one = () => Promise.resolve(1);
const kind = process.argv[2]!;
const strategy =
  kind === 'consecutive'
    ? undefined
    : kind === 'failures'
      ? { type: 'adaptive', minLatencyMs: Infinity }
      : { type: kind };
const b = new CircuitBreaker({ name: 'x', strategy: strategy as never });
const N = 300_000;
const out: number[] = [];
for (let round = 0; round < 8; round++) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await b.execute(one);
  out.push(Number(process.hrtime.bigint() - t) / N);
}
console.log(kind, out.map((x) => x.toFixed(0)).join(' '));
