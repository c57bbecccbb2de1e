import { readJsonObject, readPath } from '../shared/readBody.ts';
import { epochMsOf } from '../shared/untilMs.ts';
import type { EventsAnswer, ModeAnswer, StatusSource } from './StatusSource.ts';
import type { SystemHealth, SystemStatus } from './types.ts';

/**
 * What a status endpoint's answer says, read by the exchange's {@link StatusSource}: the one
 * reader behind every `…SystemStatus()` check and the presets' status rule. Never throws: an
 * answer it cannot read is `unknown`. Not part of the public API.
 */
export function readSystemStatus(source: StatusSource, body: unknown): SystemStatus {
  const read =
    source.answer.kind === 'mode' ? readMode(source.answer, body) : readEvents(source.answer, body);
  return { exchange: source.exchange, ...read };
}

type Reading = Omit<SystemStatus, 'exchange'>;

function readMode(answer: ModeAnswer, body: unknown): Reading {
  if (answer.errors !== undefined) {
    const list = readPath(body, answer.errors.at);
    const errors = Array.isArray(list) ? list.filter((e) => typeof e === 'string') : [];
    if (errors.length > 0)
      return { health: answer.errors.health(errors), detail: errors.join(', ') };
  }
  const mode = readPath(body, answer.mode);
  if (typeof mode !== 'string' && typeof mode !== 'number') {
    return { health: 'unknown', detail: 'no status' };
  }
  const health = Object.hasOwn(answer.health, String(mode))
    ? (answer.health[String(mode)] as SystemHealth)
    : 'unknown';
  const detail = answer.detail === undefined ? undefined : readPath(body, answer.detail);
  return { health, detail: typeof detail === 'string' && detail !== '' ? detail : String(mode) };
}

function readEvents(answer: EventsAnswer, body: unknown): Reading {
  const list = readPath(body, answer.list);
  if (String(readPath(body, answer.ok.at)) !== answer.ok.value || !Array.isArray(list)) {
    const message = readPath(body, answer.message);
    return {
      health: 'unknown',
      detail: typeof message === 'string' && message !== '' ? message : 'no status',
    };
  }
  let health: SystemHealth = 'operational';
  let detail = 'normal';
  let until: number | undefined;
  let next: number | undefined;
  for (const item of list) {
    const event = readJsonObject(item);
    const state = event?.state;
    if (state === 'ongoing' || answer.degraded.includes(String(state))) {
      const partial =
        answer.partial !== undefined &&
        String(event?.[answer.partial.field]) === answer.partial.value;
      const level: SystemHealth = state === 'ongoing' && !partial ? 'maintenance' : 'degraded';
      if (health !== 'maintenance' && (health !== 'degraded' || level === 'maintenance')) {
        health = level;
        detail =
          typeof event?.title === 'string' && event.title !== '' ? event.title : String(state);
      }
      const end = epochMsOf(event?.end);
      if (level === 'maintenance' && end !== undefined && (until === undefined || end > until)) {
        until = end;
      }
    } else if (state === 'scheduled') {
      const begin = epochMsOf(event?.begin);
      if (begin !== undefined && (next === undefined || begin < next)) next = begin;
    }
  }
  return {
    health,
    detail,
    ...(until === undefined ? {} : { maintenanceUntil: until }),
    ...(next === undefined ? {} : { nextMaintenanceAt: next }),
  };
}
