import {
  expectBoolean,
  expectClock,
  expectFunction,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
  systemClock,
} from '@breakwater/core/adapter';
import type { WebSocketLike } from '../SocketAdapter.ts';
import { resolveBackoff } from './resolveBackoff.ts';
import { resolveBreaker } from './resolveBreaker.ts';
import { resolveCloseCodeOptions } from './resolveCloseCodeOptions.ts';
import { resolveConnectRate } from './resolveConnectRate.ts';
import { resolveHeartbeatOptions } from './resolveHeartbeatOptions.ts';
import { resolveQueueOptions } from './resolveQueueOptions.ts';
import { resolveRotationOptions } from './resolveRotationOptions.ts';
import type { GuardOptions, ReconnectOptions, ResolvedGuardOptions } from './types.ts';
import { isBreakerLike } from './validate.ts';

const known: KnownKeys<GuardOptions> = {
  name: true,
  breaker: true,
  reconnect: true,
  minUptimeMs: true,
  connectTimeoutMs: true,
  maxConnectsPerWindow: true,
  heartbeat: true,
  closeCodes: true,
  queue: true,
  resubscribe: true,
  classifyMessage: true,
  rotation: true,
  clock: true,
  onListenerError: true,
};
const knownReconnect: KnownKeys<ReconnectOptions> = { backoff: true, onNormalClose: true };

/**
 * Validates the guard's options once, at construction, and creates the breaker and the connect
 * rate limiter it will use.
 * @throws BreakwaterConfigError naming the first invalid or unknown option
 */
export function resolveGuardOptions<S extends WebSocketLike = WebSocketLike>(
  options: GuardOptions<S> = {},
): ResolvedGuardOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const name = expectString('name', options.name ?? 'websocket');
  const minUptimeMs = expectNumber('minUptimeMs', options.minUptimeMs ?? 5_000, 0, maxTimerMs);
  const connectTimeoutMs = expectNumber(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? 10_000,
    1,
    maxTimerMs,
  );
  const given = options.breaker;
  const clock = expectClock(
    'clock',
    options.clock ?? (isBreakerLike(given) ? given.options.clock : systemClock),
  );
  const reconnect = options.reconnect ?? {};
  expectObject('reconnect', reconnect as unknown);
  rejectUnknownKeys('reconnect', reconnect, knownReconnect);
  const queue = resolveQueueOptions(options.queue);
  const onListenerError = options.onListenerError;
  if (onListenerError !== undefined) expectFunction('onListenerError', onListenerError);
  if (options.resubscribe !== undefined) expectFunction('resubscribe', options.resubscribe);
  const classifyMessage = options.classifyMessage;
  if (classifyMessage !== undefined) expectFunction('classifyMessage', classifyMessage);
  const settleBound = connectTimeoutMs + minUptimeMs;
  const rotation = resolveRotationOptions(options.rotation, minUptimeMs);
  const limiter = resolveConnectRate(options.maxConnectsPerWindow, name, clock);
  const heartbeat = resolveHeartbeatOptions(options.heartbeat);
  const closeCodes = resolveCloseCodeOptions(options.closeCodes);
  const backoff = resolveBackoff(reconnect.backoff);
  const reconnectOnNormalClose =
    reconnect.onNormalClose === undefined
      ? false
      : expectBoolean('reconnect.onNormalClose', reconnect.onNormalClose);
  // Last: nothing above may throw once the breaker exists.
  const breaker = resolveBreaker(given, name, clock, settleBound);
  return Object.freeze({
    name,
    breaker,
    ownsBreaker: !isBreakerLike(given),
    backoff,
    reconnectOnNormalClose,
    minUptimeMs,
    connectTimeoutMs,
    limiter,
    heartbeat,
    closeCodes,
    queue,
    resubscribe: options.resubscribe as ResolvedGuardOptions['resubscribe'],
    classifyMessage,
    rotation,
    clock,
    onListenerError,
  });
}
