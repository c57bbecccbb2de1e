import {
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
  type Permit,
  success,
} from '@breakwater/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Op =
  | { type: 'acquire' }
  | { type: 'settle'; index: number; how: 'success' | 'failure' | 'release' | 'retryAfter' }
  | { type: 'advance'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ type: 'acquire' }),
  fc.record({
    type: fc.constant('settle' as const),
    index: fc.nat(20),
    how: fc.constantFrom('success', 'failure', 'release', 'retryAfter'),
  }),
  fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
);

const allowed = new Set([
  'closed->open',
  'open->half_open',
  'half_open->closed',
  'half_open->open',
]);

describe('breaker invariants (property-based)', () => {
  it('holds every invariant under arbitrary call sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 120 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (ops, maxProbes, failureCount) => {
          const clock = new ManualClock();
          const breaker = new CircuitBreaker({
            clock,
            openMs: 1_000,
            strategy: { type: 'consecutive', failureCount },
            halfOpen: { maxProbes, successCount: 2, probeTimeoutMs: 10_000 },
          });
          const edges: string[] = [];
          breaker.on('stateChange', (e) => edges.push(`${e.from}->${e.to}`));
          const outstanding: Permit[] = [];
          let settledOnce = 0;
          for (const step of ops) {
            if (step.type === 'acquire') {
              const permit = breaker.tryAcquire();
              if (!isBreakerOpenError(permit)) outstanding.push(permit);
            } else if (step.type === 'advance') {
              await clock.advance(step.ms);
            } else if (outstanding.length > 0) {
              const permit = outstanding[step.index % outstanding.length]!;
              if (!permit.settled) settledOnce++;
              if (step.how === 'success') permit.settle(success());
              else if (step.how === 'failure')
                permit.settle({ kind: 'error', error: new Error('x') });
              else if (step.how === 'retryAfter') {
                permit.settle({ kind: 'response', status: 429, header: () => '2' });
              } else permit.release();
              // settling again must change nothing
              permit.settle(success());
            }
            const snapshot = breaker.snapshot();
            expect(snapshot.halfOpen.probesInFlight).toBeLessThanOrEqual(maxProbes);
            const { calls, successes, failures, ignored, released } = snapshot.counters;
            const unsettled = outstanding.filter((p) => !p.settled).length;
            expect(successes + failures + ignored + released).toBe(settledOnce);
            expect(calls).toBe(settledOnce + unsettled);
            const byState = Object.values(snapshot.counters.requestsByState);
            expect(byState.every((count) => count >= 0)).toBe(true);
            expect(byState.reduce((a, b) => a + b, 0)).toBe(calls + snapshot.counters.rejected);
          }
          for (const edge of edges) expect(allowed.has(edge), edge).toBe(true);
          breaker.dispose();
        },
      ),
      { numRuns: 200 },
    );
  });
});
