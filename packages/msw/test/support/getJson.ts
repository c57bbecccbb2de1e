/**
 * What a user's client does with fetch: throw on an error status, carrying the response so the
 * breaker's classifier sees the status and `Retry-After`.
 */
export async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal });
  if (!response.ok) {
    await response.body?.cancel();
    throw Object.assign(new Error(`HTTP ${response.status}`), { response });
  }
  return response.json();
}
