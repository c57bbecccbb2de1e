import { HttpResponse } from 'msw';
import { aborted } from '../internal/wait.ts';
import type { Fault } from './types.ts';

/**
 * Never answers: the request stays pending until its client aborts it (a timeout, a breaker's
 * `timeoutMs`, a caller's signal), then ends as a network error. No timer runs while it hangs,
 * so a `ManualClock` test decides when the client's deadline passes.
 *
 * A client without a deadline waits forever: give it one.
 *
 * @example
 * ```ts
 * server.use(http.get(url, hang()));
 * await expect(
 *   breaker.execute((signal) => fetch(url, { signal }), { timeoutMs: 1_000 }),
 * ).rejects.toThrow(TimeoutError); // once the breaker's clock passes 1 s
 * ```
 */
export function hang(): Fault {
  return async ({ request }) => {
    await aborted(request.signal);
    // The client is gone; a network error settles MSW's side without a logged exception.
    return HttpResponse.error();
  };
}
