import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import {
  expectBoolean,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
  systemClock,
  verdictCategories,
} from '@breakwater/core/adapter';
import { builtInPatterns } from './builtInPatterns.ts';
import type { FailurePattern, FailureSeverity } from './types.ts';

/** Options for {@link FailureAnalyzer}. */
export interface FailureAnalyzerOptions {
  /**
   * The window `analyze()` looks at, ending now.
   * @defaultValue `300000` (5 minutes)
   */
  windowMs?: number;
  /**
   * Failures kept per service; the oldest is dropped first. Bounds memory.
   * @defaultValue `1000`
   */
  maxEvents?: number;
  /**
   * Services tracked; recording a new one beyond this drops the least recently recorded.
   * @defaultValue `100`
   */
  maxServices?: number;
  /**
   * Your patterns, tried before the built-in ones (rate limits, bans, maintenance, timeouts,
   * network, server, auth, clock/nonce, funds).
   * @defaultValue `[]`
   */
  patterns?: readonly FailurePattern[];
  /**
   * Whether the built-in patterns are used.
   * @defaultValue `true`
   */
  builtInPatterns?: boolean;
  /**
   * Failures in the window (client and auth errors excluded) from which `shouldOpen` is true.
   * @defaultValue `5`
   */
  minFailures?: number;
  /**
   * Source of time.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
}

/** A validated pattern, ready to test. Not part of the public API. */
export interface CompiledPattern {
  readonly name: string;
  readonly category: FailurePattern['category'];
  readonly severity: FailureSeverity;
  readonly regex: readonly RegExp[];
  readonly keywords: readonly string[];
  readonly statusCodes: ReadonlySet<number>;
  readonly frequencyThreshold: number;
}

/** The validated, frozen form of {@link FailureAnalyzerOptions}. */
export interface ResolvedFailureAnalyzerOptions {
  readonly windowMs: number;
  readonly maxEvents: number;
  readonly maxServices: number;
  readonly patterns: readonly CompiledPattern[];
  readonly minFailures: number;
  readonly clock: Clock;
}

const known: KnownKeys<FailureAnalyzerOptions> = {
  windowMs: true,
  maxEvents: true,
  maxServices: true,
  patterns: true,
  builtInPatterns: true,
  minFailures: true,
  clock: true,
};

const patternKeys: KnownKeys<FailurePattern> = {
  name: true,
  category: true,
  severity: true,
  regex: true,
  keywords: true,
  statusCodes: true,
  frequencyThreshold: true,
  description: true,
};

const severities: readonly FailureSeverity[] = ['low', 'medium', 'high', 'critical'];
const categories: readonly string[] = verdictCategories;

/**
 * Validates {@link FailureAnalyzerOptions} once, compiling the patterns.
 * @throws BreakwaterConfigError naming the first invalid option
 */
export function resolveFailureAnalyzerOptions(
  options: FailureAnalyzerOptions = {},
): ResolvedFailureAnalyzerOptions {
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  if (options.builtInPatterns !== undefined)
    expectBoolean('builtInPatterns', options.builtInPatterns);
  if (options.patterns !== undefined && !Array.isArray(options.patterns)) {
    throw new BreakwaterConfigError('patterns', 'an array of patterns', options.patterns);
  }
  const user = (options.patterns ?? []).map((p, i) => compilePattern(`patterns[${i}]`, p));
  const names = new Set<string>();
  for (const [i, p] of user.entries()) {
    if (names.has(p.name))
      throw new BreakwaterConfigError(`patterns[${i}].name`, 'a unique name', p.name);
    names.add(p.name);
  }
  const builtIn =
    options.builtInPatterns === false
      ? []
      : builtInPatterns.filter((p) => !names.has(p.name)).map((p) => compilePattern('builtIn', p));
  const clock = options.clock ?? systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new BreakwaterConfigError('clock', 'a Clock', clock);
  }
  return Object.freeze({
    windowMs: expectNumber('windowMs', options.windowMs ?? 300_000, 1),
    maxEvents: expectInteger('maxEvents', options.maxEvents ?? 1000, 1),
    maxServices: expectInteger('maxServices', options.maxServices ?? 100, 1),
    patterns: Object.freeze([...user, ...builtIn]),
    minFailures: expectInteger('minFailures', options.minFailures ?? 5, 1),
    clock,
  });
}

function compilePattern(path: string, p: FailurePattern): CompiledPattern {
  expectObject(path, p as unknown);
  rejectUnknownKeys(path, p, patternKeys);
  expectString(`${path}.name`, p.name);
  if (!categories.includes(p.category)) {
    throw new BreakwaterConfigError(
      `${path}.category`,
      `one of ${categories.join(', ')}`,
      p.category,
    );
  }
  if (!severities.includes(p.severity)) {
    throw new BreakwaterConfigError(
      `${path}.severity`,
      `one of ${severities.join(', ')}`,
      p.severity,
    );
  }
  const regex = list(`${path}.regex`, p.regex).map((r, i) => {
    if (r instanceof RegExp) return new RegExp(r.source, r.flags.replace(/[gy]/g, ''));
    if (typeof r === 'string' && r !== '') {
      try {
        return new RegExp(r, 'i');
      } catch {
        // fall through to the error below
      }
    }
    throw new BreakwaterConfigError(`${path}.regex[${i}]`, 'a RegExp or a valid pattern string', r);
  });
  const keywords = list(`${path}.keywords`, p.keywords).map((k, i) =>
    expectString(`${path}.keywords[${i}]`, k).toLowerCase(),
  );
  const statusCodes = list(`${path}.statusCodes`, p.statusCodes).map((s, i) =>
    expectInteger(`${path}.statusCodes[${i}]`, s, 100),
  );
  if (regex.length + keywords.length + statusCodes.length === 0) {
    throw new BreakwaterConfigError(path, 'at least one of regex, keywords, statusCodes', p);
  }
  return Object.freeze({
    name: p.name,
    category: p.category,
    severity: p.severity,
    regex: Object.freeze(regex),
    keywords: Object.freeze(keywords),
    statusCodes: new Set(statusCodes),
    frequencyThreshold: expectInteger(`${path}.frequencyThreshold`, p.frequencyThreshold ?? 3, 1),
  });
}

function list(path: string, value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new BreakwaterConfigError(path, 'an array', value);
  return value;
}

/** Severities in order, for comparisons. Not part of the public API. */
export function severityRank(severity: FailureSeverity): number {
  return severities.indexOf(severity);
}
