import {
  BreakwaterConfigError,
  type ClassifierRule,
  failure,
  ignore,
  type Outcome,
  onBody,
  onErrorCode,
  onErrorName,
  onHeader,
  onStatus,
  success,
  when,
} from '@breakwater/core';
import { createClassifier, defaultClassifier, parseRetryAfter } from '@breakwater/core/adapter';
import { afterEach, describe, expect, it, vi } from 'vitest';

const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const post = { method: 'POST', idempotent: false };

function response(status: number, headers: Record<string, string> = {}, body?: unknown): Outcome {
  return {
    kind: 'response',
    status,
    header: (name) => headers[name.toLowerCase()] ?? null,
    ...(body === undefined ? {} : { body }),
  };
}

function error(value: unknown): Outcome {
  return { kind: 'error', error: value };
}

describe('rule builders', () => {
  it('matches a status, a list of statuses and a range', () => {
    const classify = createClassifier([
      onStatus(404, success()),
      onStatus([409, 410], failure('server')),
      onStatus({ min: 520, max: 527 }, failure('maintenance')),
    ]);
    expect(classify(response(404), undefined, now)).toEqual(success());
    expect(classify(response(410), undefined, now)).toEqual(failure('server'));
    expect(classify(response(524), undefined, now)).toEqual(failure('maintenance'));
    expect(classify(response(528), undefined, now)).toEqual(failure('server'));
    expect(classify(response(400), undefined, now)).toEqual(ignore('client'));
  });

  it('matches the status of an error carrying a response', () => {
    const classify = createClassifier(onStatus(404, success()));
    const axiosError = { name: 'AxiosError', response: { status: 404, headers: {} } };
    expect(classify(error(axiosError), undefined, now)).toEqual(success());
  });

  it('passes the matched response, the context and the time to a verdict function', () => {
    const seen: unknown[] = [];
    const classify = createClassifier(
      onStatus(429, (res, ctx, nowMs) => {
        seen.push(ctx, nowMs);
        const retryAfterMs = parseRetryAfter(res.header('x-ratelimit-reset'), nowMs);
        return failure('rate_limit', retryAfterMs === undefined ? undefined : { retryAfterMs });
      }),
    );
    const verdict = classify(response(429, { 'x-ratelimit-reset': '9' }), post, now);
    expect(verdict).toEqual(failure('rate_limit', { retryAfterMs: 9_000 }));
    expect(seen).toEqual([post, now]);
  });

  it('matches error codes and names through the cause chain', () => {
    const classify = createClassifier([
      onErrorCode(['EPROTO', -1021], ignore('client')),
      onErrorName('InsufficientFundsError', ignore('client')),
    ]);
    const wrapped = new TypeError('fetch failed', { cause: { code: 'EPROTO' } });
    expect(classify(error(wrapped), undefined, now)).toEqual(ignore('client'));
    expect(classify(error({ code: -1021 }), undefined, now)).toEqual(ignore('client'));
    const named = new Error('outer', { cause: { name: 'InsufficientFundsError' } });
    expect(classify(error(named), undefined, now)).toEqual(ignore('client'));
    expect(classify(response(500), undefined, now)).toEqual(failure('server'));
  });

  it('matches headers by string, pattern and predicate', () => {
    const classify = createClassifier([
      onHeader('X-Maintenance', 'TRUE', failure('maintenance')),
      onHeader('x-cache', /^miss/g, failure('server')),
      onHeader('x-remaining', (value) => Number(value) === 0, failure('rate_limit')),
    ]);
    expect(classify(response(200, { 'x-maintenance': ' true ' }), undefined, now)).toEqual(
      failure('maintenance'),
    );
    // A global RegExp must not alternate between matching and not matching.
    for (let i = 0; i < 3; i++) {
      expect(classify(response(200, { 'x-cache': 'MISS' }), undefined, now)).toEqual(success());
      expect(classify(response(200, { 'x-cache': 'miss' }), undefined, now)).toEqual(
        failure('server'),
      );
    }
    expect(classify(response(200, { 'x-remaining': '0' }), undefined, now)).toEqual(
      failure('rate_limit'),
    );
    expect(classify(response(200), undefined, now)).toEqual(success());
  });

  it('reads bodies only when the response carries one', () => {
    const match = vi.fn((body: unknown) => (body as { code?: number }).code === -1003);
    const classify = createClassifier(onBody(match, failure('rate_limit')));
    expect(classify(response(200), undefined, now)).toEqual(success());
    expect(match).not.toHaveBeenCalled();
    expect(classify(response(400, {}, { code: -1003 }), undefined, now)).toEqual(
      failure('rate_limit'),
    );
    expect(classify(response(400, {}, { code: -2010 }), undefined, now)).toEqual(ignore('client'));
  });

  it('lets a body matcher return its own verdict', () => {
    const classify = createClassifier(
      onBody((body) =>
        (body as { error?: string[] }).error?.length ? failure('server') : undefined,
      ),
    );
    expect(classify(response(200, {}, { error: ['EService:Busy'] }), undefined, now)).toEqual(
      failure('server'),
    );
    expect(classify(response(200, {}, { error: [] }), undefined, now)).toEqual(success());
  });

  it('reads the body of an axios error', () => {
    const classify = createClassifier(
      onBody((body) => body === 'maintenance', failure('maintenance')),
    );
    const axiosError = { response: { status: 400, headers: {}, data: 'maintenance' } };
    expect(classify(error(axiosError), undefined, now)).toEqual(failure('maintenance'));
  });

  it('matches arbitrary predicates with the context', () => {
    const classify = createClassifier(
      when(
        (outcome, ctx) => ctx?.endpoint === 'cancel-order' && outcome.kind === 'response',
        ignore('client'),
      ),
    );
    expect(classify(response(500), { endpoint: 'cancel-order' }, now)).toEqual(ignore('client'));
    expect(classify(response(500), { endpoint: 'ticker' }, now)).toEqual(failure('server'));
  });
});

describe('createClassifier', () => {
  it('is the default classifier without rules', () => {
    expect(createClassifier()).toBe(defaultClassifier);
    expect(createClassifier([])).toBe(defaultClassifier);
  });

  it('takes the first rule with an opinion', () => {
    const classify = createClassifier([
      onStatus(503, failure('maintenance')),
      onStatus({ min: 500, max: 599 }, failure('server')),
      onStatus(503, success()),
    ]);
    expect(classify(response(503), undefined, now)).toEqual(failure('maintenance'));
    expect(classify(response(502), undefined, now)).toEqual(failure('server'));
  });

  it('skips rules that return undefined or null', () => {
    const classify = createClassifier([
      () => undefined,
      () => null as never,
      onStatus(500, ignore('client')),
    ]);
    expect(classify(response(500), undefined, now)).toEqual(ignore('client'));
  });

  it('accepts a single rule', () => {
    const classify = createClassifier(onStatus(500, ignore('client')));
    expect(classify(response(500), undefined, now)).toEqual(ignore('client'));
  });

  it('marks a rule’s server, timeout or network failure on a non-idempotent call', () => {
    const classify = createClassifier([
      onStatus(520, failure('server')),
      onErrorCode('EPROTO', failure('network')),
      onErrorCode('ECONNREFUSED', failure('network')),
      onStatus(521, failure('server', { uncertainEffect: false })),
      onStatus(522, failure('maintenance')),
    ]);
    expect(classify(response(520), post, now)).toEqual(
      failure('server', { uncertainEffect: true }),
    );
    expect(classify(response(520), { idempotent: true }, now)).toEqual(failure('server'));
    expect(classify(error({ code: 'EPROTO' }), post, now)).toEqual(
      failure('network', { uncertainEffect: true }),
    );
    expect(classify(error({ code: 'ECONNREFUSED' }), post, now)).toEqual(failure('network'));
    expect(classify(response(521), post, now)).toEqual(
      failure('server', { uncertainEffect: false }),
    );
    expect(classify(response(522), post, now)).toEqual(failure('maintenance'));
  });

  it('keeps the fields a rule adds to its verdict, under the checked ones', () => {
    const annotated = { verdict: 'failure', category: 'server', codes: ['EGeneral:Internal'] };
    const classify = createClassifier((() => annotated) as unknown as ClassifierRule);
    const verdict = classify(response(503), post, now);
    expect(verdict).toEqual({ ...annotated, uncertainEffect: true });
    expect(Object.isFrozen(verdict)).toBe(true);
    const invalid = { verdict: 'failure', category: 'server', retryAfterMs: -5, codes: [] };
    const onRuleError = vi.fn();
    const checked = createClassifier((() => invalid) as unknown as ClassifierRule, {
      onRuleError,
    });
    expect(checked(response(200), post, now)).toEqual(success());
    expect(String(onRuleError.mock.calls[0]?.[0])).toMatch(/retryAfterMs/);
  });

  it('treats a throwing rule as no opinion and reports it', () => {
    const boom = new Error('rule bug');
    const onRuleError = vi.fn();
    const classify = createClassifier(
      [
        () => {
          throw boom;
        },
        onStatus(500, ignore('client')),
      ],
      { onRuleError },
    );
    expect(classify(response(500), undefined, now)).toEqual(ignore('client'));
    expect(classify(response(502), undefined, now)).toEqual(failure('server'));
    expect(onRuleError).toHaveBeenCalledWith(boom, 0);
  });

  it('reports a rule that returns something other than a verdict', () => {
    const onRuleError = vi.fn();
    const classify = createClassifier([(() => true) as unknown as ClassifierRule], { onRuleError });
    expect(classify(response(500), undefined, now)).toEqual(failure('server'));
    expect(onRuleError.mock.calls[0]?.[0]).toBeInstanceOf(BreakwaterConfigError);
    expect(String(onRuleError.mock.calls[0]?.[0])).toMatch(/`classify\[0\]`/);
  });

  it('reports a body matcher that returns true without a verdict', () => {
    const onRuleError = vi.fn();
    const classify = createClassifier(
      onBody(() => true),
      { onRuleError },
    );
    expect(classify(response(500, {}, {}), undefined, now)).toEqual(failure('server'));
    expect(onRuleError).toHaveBeenCalledOnce();
  });

  describe('reporting outside the call', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('rethrows a rule’s error in a microtask, outside the call', () => {
      const scheduled = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation(() => {});
      const boom = new Error('rule bug');
      const classify = createClassifier(() => {
        throw boom;
      });
      expect(classify(response(200), undefined, now)).toEqual(success());
      expect(scheduled).toHaveBeenCalledOnce();
      expect(scheduled.mock.calls[0]?.[0]).toThrow(boom);
    });

    it('survives an onRuleError that throws', () => {
      const scheduled = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation(() => {});
      const classify = createClassifier(
        () => {
          throw new Error('rule');
        },
        {
          onRuleError: () => {
            throw new Error('handler');
          },
        },
      );
      expect(classify(response(200), undefined, now)).toEqual(success());
      expect(scheduled.mock.calls[0]?.[0]).toThrow('handler');
    });
  });
});

describe('validation at creation', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      'a rule that is not a function',
      () => createClassifier([onStatus(500, success()), 'x' as never]),
      /`classify\[1\]`: expected a function, received "x"/,
    ],
    [
      'rules that are neither a rule nor an array',
      () => createClassifier(5 as never),
      /`classify`/,
    ],
    ['an unknown option', () => createClassifier([], { onError: () => {} } as never), /`onError`/],
    [
      'an onRuleError that is not a function',
      () => createClassifier([], { onRuleError: 1 as never }),
      /`onRuleError`/,
    ],
    [
      'a status out of range',
      () => onStatus(1000, success()),
      /`onStatus.statuses`: expected an integer from 0 to 999/,
    ],
    [
      'a fractional status in a list',
      () => onStatus([500, 501.5], success()),
      /`onStatus.statuses\[1\]`/,
    ],
    ['an empty status list', () => onStatus([], success()), /`onStatus.statuses`/],
    [
      'a reversed range',
      () => onStatus({ min: 599, max: 500 }, success()),
      /`onStatus.statuses.max`/,
    ],
    [
      'a verdict that is not one',
      () => onStatus(500, { verdict: 'fail' } as never),
      /`onStatus.verdict`/,
    ],
    [
      'a verdict with an unknown category',
      () => onStatus(500, { verdict: 'failure', category: 'oops' } as never),
      /`onStatus.verdict.category`/,
    ],
    [
      'a negative retryAfterMs',
      () => onStatus(500, { verdict: 'failure', category: 'server', retryAfterMs: -1 }),
      /`onStatus.verdict.retryAfterMs`: expected a number >= 0, received -1/,
    ],
    ['an empty error code', () => onErrorCode('', failure('network')), /`onErrorCode.codes`/],
    [
      'a number as an error name',
      () => onErrorName([5 as never], failure('network')),
      /`onErrorName.names\[0\]`/,
    ],
    ['an empty header name', () => onHeader('', 'x', failure('server')), /`onHeader.name`/],
    [
      'a header match of the wrong type',
      () => onHeader('x', 5 as never, failure('server')),
      /`onHeader.match`: expected a string, a RegExp or a function/,
    ],
    ['a body matcher that is not a function', () => onBody('x' as never), /`onBody.match`/],
    [
      'a predicate that is not a function',
      () => when(true as never, success()),
      /`when.predicate`/,
    ],
  ])('rejects %s', (_, build, message) => {
    expect(build).toThrow(BreakwaterConfigError);
    expect(build).toThrow(message);
  });

  it('normalises a literal verdict to the shared frozen one', () => {
    const classify = createClassifier(onStatus(500, { verdict: 'ignore', category: 'client' }));
    expect(classify(response(500), undefined, now)).toBe(ignore('client'));
  });
});
