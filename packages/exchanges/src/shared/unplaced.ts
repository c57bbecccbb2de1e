import { type CallContext, failure, ignore, type Verdict } from '@breakwater/core';

const uncertain = failure('unknown', { uncertainEffect: true });
const request = ignore('client');

/**
 * The verdict of an error code a preset cannot place (not in its table, not in a documented
 * range): on a call that may have changed state it is an `unknown` failure with an uncertain
 * effect, never a silent client error, so an order whose outcome is unknown is looked up before
 * it is sent again; on any other call the request was answered, so it is an ignored `client`
 * error. Not part of the public API.
 */
export function unplacedVerdict(
  ctx: CallContext | undefined,
  changesState: (endpoint: string) => boolean,
): Verdict {
  const mayChange =
    ctx?.idempotent === false && (ctx.endpoint === undefined || changesState(ctx.endpoint));
  return mayChange ? uncertain : request;
}
