import { BreakerOpenError, CircuitBreaker } from '@breakwater/core';

const limit = Error.stackTraceLimit;
Error.stackTraceLimit = 0;
const reused = new Error('open');
Error.stackTraceLimit = limit;
const rethrow = (e: unknown): never => {
  throw e;
};
const breaker = new CircuitBreaker({
  name: 'bench',
  strategy: { failureCount: 5 },
  openMs: 3_600_000,
});
for (let i = 0; i < 5; i++)
  await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {});
const fn = () => Promise.resolve(1);
const variants: Record<string, () => Promise<unknown>> = {
  floor: () => Promise.resolve(reused).then(rethrow),
  errorOnly: () => Promise.resolve(BreakerOpenError.fast('bench', 'open', 1234.5)).then(rethrow),
  breakwater: () => breaker.execute(fn),
};
async function run(f: () => Promise<unknown>, n: number) {
  let c = 0;
  for (let i = 0; i < n; i++) {
    try {
      await f();
    } catch {
      c++;
    }
  }
  if (c !== n) throw new Error('resolved');
}
for (const f of Object.values(variants)) await run(f, 20000);
const res: Record<string, number[]> = {};
for (const k in variants) res[k] = [];
for (let r = 0; r < 21; r++)
  for (const [k, f] of Object.entries(variants)) {
    const s = process.cpuUsage();
    await run(f, 10000);
    const u = process.cpuUsage(s);
    res[k]!.push(((u.user + u.system) * 1000) / 10000);
  }
for (const k in res) {
  const a = res[k]!.sort((x, y) => x - y);
  console.log(k, a[a.length >> 1]!.toFixed(0), 'min', a[0]!.toFixed(0));
}
if (process.env.PROF) await run(variants.breakwater!, 500000);
