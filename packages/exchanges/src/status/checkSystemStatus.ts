import { fetchStatusJson } from './fetchStatusJson.ts';
import { readSystemStatus } from './readSystemStatus.ts';
import type { StatusSource } from './StatusSource.ts';
import type { FetchLike, SystemStatus, SystemStatusOptions } from './types.ts';

/**
 * Asks an exchange's status endpoint how it is, reading the answer by its {@link StatusSource}:
 * the one implementation behind every `…SystemStatus()` check. A failed or unreadable answer is
 * `unknown`; network errors reject as the fetch does. Not part of the public API.
 * @throws BreakwaterConfigError on an invalid fetch or option
 */
export async function checkSystemStatus(
  source: StatusSource,
  fetch: FetchLike,
  options?: SystemStatusOptions,
): Promise<SystemStatus> {
  const answer = await fetchStatusJson(fetch, source.baseUrl, source.path, options);
  if (!answer.ok) return { exchange: source.exchange, health: 'unknown', detail: answer.detail };
  return readSystemStatus(source, answer.body);
}
