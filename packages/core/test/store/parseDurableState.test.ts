import type { DurableState } from '@breakwater/core';
import {
  durableStateFormat,
  parseDurableState,
  serializeDurableState,
} from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const open: DurableState = {
  state: 'open',
  version: 3,
  openedAt: 1_767_225_600_000,
  openUntil: 1_767_225_630_000,
  recoveryAttempt: 2,
};

function serialized(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...serializeDurableState(open), ...overrides };
}

describe('serializeDurableState and parseDurableState', () => {
  it('round-trip a state through JSON', () => {
    const text = JSON.stringify(serializeDurableState(open));
    expect(JSON.parse(text)).toMatchObject({ format: 'breakwater.state/1' });
    expect(parseDurableState(JSON.parse(text))).toEqual(open);
  });

  it('write an endless openUntil as null and read it back as Infinity', () => {
    const forced: DurableState = { ...open, state: 'forced_open', openUntil: Infinity };
    const json = JSON.parse(JSON.stringify(serializeDurableState(forced)));
    expect(json.openUntil).toBeNull();
    expect(parseDurableState(json).openUntil).toBe(Infinity);
    expect(parseDurableState(serializeDurableState(forced)).openUntil).toBe(Infinity);
    expect(parseDurableState({ ...json, openUntil: Infinity }).openUntil).toBe(Infinity);
  });

  it('returns a frozen state with only the known fields', () => {
    const state = parseDurableState(serialized({ extra: 'ignored' }));
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.keys(state).sort()).toEqual(
      ['openUntil', 'openedAt', 'recoveryAttempt', 'state', 'version'].sort(),
    );
  });

  it('accepts each of the five states', () => {
    for (const state of ['closed', 'open', 'half_open', 'forced_open', 'disabled']) {
      expect(parseDurableState(serialized({ state })).state).toBe(state);
    }
  });

  it('rejects values that are not tagged objects', () => {
    expect(() => parseDurableState(null)).toThrow('expected an object, received null');
    expect(() => parseDurableState([])).toThrow('received an array');
    expect(() => parseDurableState('{}')).toThrow('received a string');
    const { format: _, ...untagged } = serialized();
    expect(() => parseDurableState(untagged)).toThrow(/no `format` tag/);
    expect(() => parseDurableState(serialized({ format: 'other.state/9' }))).toThrow(
      `\`format\` is not '${durableStateFormat}'`,
    );
  });

  it.each([
    ['state', 'opened', /`state` must be one of .*received a string/],
    ['state', undefined, /`state` .*received nothing/],
    ['version', -1, /`version` must be an integer from 0 to 2\^52, received a negative number/],
    ['version', 1.5, /`version` .*received a fractional number/],
    ['version', '3', /`version` .*received a string/],
    ['openedAt', Number.NaN, /`openedAt` must be a finite non-negative number, received NaN/],
    ['openedAt', Infinity, /`openedAt` .*received an infinite number/],
    ['openUntil', -5, /`openUntil` .*\(or null for no end\), received a negative number/],
    ['openUntil', undefined, /`openUntil` .*received nothing/],
    ['recoveryAttempt', 2 ** 60, /`recoveryAttempt` .*received an unsafe integer/],
    ['recoveryAttempt', {}, /`recoveryAttempt` .*received an object/],
  ])('rejects %s = %s, naming the field and the type', (field, value, message) => {
    expect(() => parseDurableState(serialized({ [field]: value }))).toThrow(message);
  });

  it('never echoes the offending value', () => {
    const secret = 'sk_live_do_not_print_me';
    for (const field of ['format', 'state', 'version', 'openedAt', 'openUntil']) {
      expect(() => parseDurableState(serialized({ [field]: secret }))).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining(secret) }),
      );
    }
  });
});
