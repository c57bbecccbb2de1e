import { resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';

/** The action awaited directly: what a call costs with no breaker at all. */
export const bareClosed: Impl = {
  name: 'bare',
  config: 'await fn()',
  create: () => ({
    async run(count) {
      for (let i = 0; i < count; i++) {
        if ((await resolveOne()) !== 1) throw unexpected('bare', 'resolved a wrong value');
      }
    },
    dispose() {},
  }),
};
