/** Where two options objects first differ, and what each holds there. */
export interface OptionsDifference {
  /** A path such as `timeoutMs`, `strategy.failureCount` or `classify[0]`. */
  readonly path: string;
  readonly left: unknown;
  readonly right: unknown;
}

/**
 * Where two options objects first differ, or `undefined` when they are equal.
 *
 * Equal means structurally equal as options are written: plain objects (made by `{}` or with a
 * `null` prototype) and arrays are compared by their own enumerable entries, a key set to
 * `undefined` equals a missing key (both mean "the default"), numbers and other primitives by
 * value (`NaN` equals `NaN`). Everything else (functions, stores, clocks, class instances,
 * `RegExp`, `Date`) is compared by identity: two closures with the same source are still two
 * behaviours. Cycles are followed once.
 */
export function optionsDifference(a: object, b: object): OptionsDifference | undefined {
  return difference(a, b, '', []);
}

/** Pairs being compared further up: meeting one again means a cycle, equal so far. */
type Stack = [object, object][];

type Found = OptionsDifference | undefined;

function difference(a: unknown, b: unknown, path: string, stack: Stack): Found {
  if (a === b || Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return { path, left: a, right: b };
  }
  const arrays = Array.isArray(a);
  if (arrays !== Array.isArray(b) || (!arrays && !(isPlainObject(a) && isPlainObject(b)))) {
    return { path, left: a, right: b };
  }
  for (const [left, right] of stack) if (left === a && right === b) return undefined;
  stack.push([a, b]);
  try {
    return arrays
      ? arrayDifference(a as unknown[], b as unknown[], path, stack)
      : objectDifference(a as Record<string, unknown>, b as Record<string, unknown>, path, stack);
  } finally {
    stack.pop();
  }
}

function arrayDifference(a: unknown[], b: unknown[], path: string, stack: Stack): Found {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (i >= a.length || i >= b.length) return { path: `${path}[${i}]`, left: a[i], right: b[i] };
    const found = difference(a[i], b[i], `${path}[${i}]`, stack);
    if (found !== undefined) return found;
  }
  return undefined;
}

function objectDifference(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  path: string,
  stack: Stack,
): Found {
  for (const key of Object.keys(a)) {
    const found = difference(a[key], own(b, key), join(path, key), stack);
    if (found !== undefined) return found;
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key) && b[key] !== undefined) {
      return { path: join(path, key), left: undefined, right: b[key] };
    }
  }
  return undefined;
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
