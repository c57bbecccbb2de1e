import type { ReconfigurableBreakerOptions } from '@breakwater/core/adapter';

/**
 * The options `PUT /circuit-breakers/:name/config` may change: those JSON can express.
 * Classifier rules, listeners, stores and clocks are code, and stay with the code.
 */
const settable: ReadonlySet<string> = new Set([
  'strategy',
  'openMs',
  'maxRecoveryAttempts',
  'halfOpen',
  'openOnRetryAfter',
  'maxRetryAfterMs',
  'trackLatency',
]);

/**
 * Checks the shape of a config body; the values are validated by the breaker's own
 * `reconfigure()`, the one validator of breaker options. Returns the partial, or why not.
 */
export function parseBreakerConfig(
  body: unknown,
): { ok: true; value: ReconfigurableBreakerOptions } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The body must be a JSON object of breaker options.' };
  }
  const keys = Object.keys(body);
  if (keys.length === 0) {
    return {
      ok: false,
      message: `The body names no option; settable: ${[...settable].join(', ')}.`,
    };
  }
  for (const key of keys) {
    if (!settable.has(key)) {
      return {
        ok: false,
        message: `Option \`${key.slice(0, 64)}\` cannot be set over HTTP; settable: ${[...settable].join(', ')}.`,
      };
    }
  }
  const strategy = (body as { strategy?: unknown }).strategy;
  if (strategy !== undefined && (typeof strategy !== 'object' || strategy === null)) {
    return {
      ok: false,
      message:
        'Option `strategy` must be an object such as { "type": "consecutive", "failureCount": 5 }.',
    };
  }
  return { ok: true, value: body as ReconfigurableBreakerOptions };
}
