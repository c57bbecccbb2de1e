import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

describe('a process using the dashboard', () => {
  it('exits on its own with a started monitor on the system clock', () => {
    // A check that never settles and long intervals: only unref()ed timers are pending.
    const program = `
      import { HealthMonitor } from '@breakwater/dashboard';
      const monitor = new HealthMonitor({ defaults: { intervalMs: 60_000, timeoutMs: 60_000 } });
      monitor.register('hangs', () => new Promise(() => {}));
      monitor.register('ok', () => true);
      monitor.start();
      console.log('started');
    `;
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      ['--conditions=@breakwater/source', '--input-type=module', '-e', program],
      { cwd: join(root, 'packages/dashboard'), encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('started');
    expect(result.status).toBe(0);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
