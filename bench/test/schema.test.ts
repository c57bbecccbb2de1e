import { describe, expect, it } from 'vitest';
import { redisUnavailable } from '../src/redis/redisAvailable.ts';
import { runBench } from '../src/run.ts';

/**
 * A smoke run measures every case a few times (loopback servers included, and one forked process
 * for `redis-propagation` when a Redis answers): a few seconds on a quiet
 * machine, several times that when the suite shares two cores with other work. The limit only
 * guards against a hang; nothing here asserts speed.
 */
const smokeTimeoutMs = 120_000;

describe('bench smoke run', () => {
  it(
    'produces a schema version 1 result for every case and implementation',
    async () => {
      const notes: string[] = [];
      const result = await runBench({ smoke: true, write: false, log: (line) => notes.push(line) });

      expect(result.schemaVersion).toBe(1);
      expect(result.node).toBe(process.version);
      expect(Number.isNaN(Date.parse(result.date))).toBe(false);
      expect(Object.keys(result.cases)).toEqual(
        expect.arrayContaining([
          'closed-success',
          'closed-with-timeout',
          'open-reject',
          'pipeline',
          'guard-fetch',
          'guard-undici',
          'guard-kraken',
          'guard-axios',
          'guard-got',
          'guard-ky',
          'registry-100k',
        ]),
      );
      for (const name of ['fetch', 'undici', 'kraken', 'axios', 'got', 'ky']) {
        expect(Object.keys(result.cases[`guard-${name}`]!)).toEqual(['bare', 'breakwater']);
      }
      expect(Object.keys(result.cases['open-reject']!)).toContain('floor');
      expect(Object.keys(result.cases['closed-with-timeout']!)).toContain('baseline-timeout');
      const registry = result.cases['registry-100k']!;
      expect(Object.keys(registry)).toEqual(['breakwater', 'breakwater-1k', 'map-100k']);
      for (const figure of Object.values(registry)) {
        expect(Object.keys(figure).sort()).toEqual([
          'breakers',
          'calls',
          'config',
          'heapDeltaBytes',
          'ns',
          'p99Ns',
          'samples',
        ]);
        expect(Number.isInteger((figure as { heapDeltaBytes: number }).heapDeltaBytes)).toBe(true);
      }
      for (const name of ['closed-success', 'closed-with-timeout', 'open-reject']) {
        expect(Object.keys(result.cases[name]!)).toEqual(
          expect.arrayContaining(['breakwater', 'cockatiel', 'opossum']),
        );
      }
      for (const [name, figures] of Object.entries(result.cases)) {
        const latencyCase = name.startsWith('redis-') || name === 'fleet-limiter';
        if (!latencyCase) expect(Object.keys(figures)).toContain('breakwater');
        if (name === 'registry-100k') continue;
        for (const figure of Object.values(figures)) {
          if (!('ns' in figure)) {
            const keys = Object.keys(figure).filter((key) => key !== 'opsPerSec');
            expect(keys.sort()).toEqual(['config', 'p50Ms', 'p99Ms', 'samples']);
            expect(figure.p50Ms).toBeGreaterThan(0);
            expect(figure.p99Ms).toBeGreaterThanOrEqual(figure.p50Ms);
            continue;
          }
          expect(Object.keys(figure).sort()).toEqual([
            'config',
            'ns',
            'nsNoGc',
            'p99Ns',
            'samples',
          ]);
          expect(figure.ns).toBeGreaterThan(0);
          expect(figure.nsNoGc).toBeGreaterThan(0);
          expect(figure.p99Ns).toBeGreaterThanOrEqual(figure.ns);
          expect(Number.isInteger(figure.samples) && figure.samples > 0).toBe(true);
          expect(typeof figure.config).toBe('string');
          expect(figure.config.length).toBeGreaterThan(0);
        }
      }
      // The Redis cases need the local Redis; without one they are skipped with a note.
      if (redisUnavailable === undefined) {
        expect(Object.keys(result.cases['redis-hot-path']!)).toEqual([
          'memory-store',
          'redis-store',
        ]);
        expect(Object.keys(result.cases['redis-propagation']!)).toEqual(['redis-store']);
        const fleet = result.cases['fleet-limiter']!;
        expect(Object.keys(fleet)).toEqual(['tryAcquire', 'execute', 'execute-no-batch']);
        for (const figure of Object.values(fleet)) {
          expect((figure as { opsPerSec: number }).opsPerSec).toBeGreaterThan(0);
        }
      } else {
        expect(notes).toContain(`note: ${redisUnavailable}`);
        expect(result.cases['redis-propagation']).toBeUndefined();
      }
      expect(Object.keys(result.memory)).toEqual([
        'breakwater',
        'cockatiel',
        'opossum',
        'breakwater-opossum',
      ]);
      expect(Object.keys(result.cases['opossum-fire']!)).toEqual([
        'opossum',
        'breakwater',
        'opossum+timeout',
        'breakwater+timeout',
      ]);
      for (const bytes of Object.values(result.memory)) expect(Number.isFinite(bytes)).toBe(true);
    },
    smokeTimeoutMs,
  );

  it('times batches with the CPU time of the process when asked', async () => {
    const result = await runBench({
      smoke: true,
      write: false,
      only: ['open-reject'],
      clock: 'cpu',
    });

    expect(result.clock).toBe('cpu');
    expect(result.cases['open-reject']!.floor).toMatchObject({ samples: 3 });
  });

  it('runs only the cases it is asked for', async () => {
    const result = await runBench({ smoke: true, write: false, only: ['open-reject'] });

    expect(Object.keys(result.cases)).toEqual(['open-reject']);
    expect(result.memory).toEqual({});
  });

  it('names the known cases when asked for an unknown one', async () => {
    await expect(runBench({ smoke: true, write: false, only: ['nope'] })).rejects.toThrow(
      /Unknown case nope; known cases: closed-success, .*memory/,
    );
  });
});
