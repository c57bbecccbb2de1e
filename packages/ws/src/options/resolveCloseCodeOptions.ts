import { BreakwaterConfigError } from '@breakwater/core';
import {
  expectInteger,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { CloseCodeMatch, CloseCodeOptions, ResolvedCloseCodeOptions } from './types.ts';

const knownCloseCodes: KnownKeys<CloseCodeOptions> = {
  auth: true,
  refused: true,
  normal: true,
  transient: true,
};

/**
 * Validates the close-code overrides into the frozen lists `classifyCloseCode` reads.
 * @throws BreakwaterConfigError naming the first invalid or unknown `closeCodes` entry
 */
export function resolveCloseCodeOptions(
  value: CloseCodeOptions | undefined,
): ResolvedCloseCodeOptions {
  const codes = value ?? {};
  expectObject('closeCodes', codes as unknown);
  rejectUnknownKeys('closeCodes', codes, knownCloseCodes);
  return Object.freeze({
    auth: resolveCodeList('closeCodes.auth', codes.auth),
    refused: resolveCodeList('closeCodes.refused', codes.refused),
    normal: resolveCodeList('closeCodes.normal', codes.normal),
    transient: resolveCodeList('closeCodes.transient', codes.transient),
  });
}

function resolveCodeList(path: string, value: unknown): readonly CloseCodeMatch[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value)) {
    throw new BreakwaterConfigError(path, 'an array of close codes or [from, to] ranges', value);
  }
  const list = value.map((entry: unknown, index): CloseCodeMatch => {
    if (typeof entry === 'number') return expectInteger(`${path}[${index}]`, entry, 1000, 4999);
    if (Array.isArray(entry) && entry.length === 2) {
      const from = expectInteger(`${path}[${index}][0]`, entry[0], 1000, 4999);
      const to = expectInteger(`${path}[${index}][1]`, entry[1], from, 4999);
      return Object.freeze([from, to] as const);
    }
    throw new BreakwaterConfigError(
      `${path}[${index}]`,
      'a close code or a [from, to] range',
      entry,
    );
  });
  return Object.freeze(list);
}
