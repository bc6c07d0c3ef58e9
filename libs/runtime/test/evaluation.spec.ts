import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { RuntimeFlag } from '../src/environment-read-model';
import { bucketOf, evaluate, InvalidContextError, parseContext } from '../src/evaluation';

const flag = (over: Partial<RuntimeFlag> = {}): RuntimeFlag => ({
  key: 'new-checkout-flow',
  type: 'bool',
  value: false,
  clientEnabled: true,
  rollout: null,
  users: new Map(),
  companies: new Map(),
  ...over,
});

describe('bucketOf', () => {
  it('is the documented sha256 bucket, stable and in [0, 100)', () => {
    // sha256("f:k") starts with a known value: pin it so any SDK reproducing the hash can compare.
    const expected = (parseInt(createHash('sha256').update('f:k').digest('hex').slice(0, 8), 16) / 2 ** 32) * 100;
    expect(bucketOf('f', 'k')).toBe(expected);
    fc.assert(
      fc.property(fc.string(), fc.string(), (f, k) => {
        const b = bucketOf(f, k);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(100);
        expect(bucketOf(f, k)).toBe(b);
      }),
    );
  });

  it('spreads 10,000 keys evenly: 25 % lands within ±2 %', () => {
    let inside = 0;
    for (let i = 0; i < 10_000; i++) if (bucketOf('checkout', `user-${i}`) < 25) inside++;
    expect(inside / 10_000).toBeGreaterThan(0.23);
    expect(inside / 10_000).toBeLessThan(0.27);
  });

  it('only adds keys when the percentage rises', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (keys, a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          for (const k of keys) if (bucketOf('f', k) < lo) expect(bucketOf('f', k) < hi).toBe(true);
        },
      ),
    );
  });
});

describe('evaluate', () => {
  const rolled = flag({
    rollout: { percentage: 50, value: true },
    users: new Map([['u1', true]]),
    companies: new Map([
      ['acme', true],
      ['globex', false],
    ]),
  });

  it('puts a user override before a company override before the rollout before the value', () => {
    expect(evaluate(rolled, { userId: 'u1', companyId: 'globex' })).toEqual({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'user-target',
    });
    expect(evaluate(rolled, { userId: 'u2', companyId: 'globex' })).toEqual({
      value: false,
      reason: 'TARGETING_MATCH',
      variant: 'company-target',
    });
    const split = evaluate(rolled, { targetingKey: 'u2' });
    expect(split.reason).toBe('SPLIT');
    expect(split.value).toBe(bucketOf('new-checkout-flow', 'u2') < 50);
    expect(evaluate(rolled, { companyId: 'other' })).toEqual({ value: false, reason: 'DEFAULT', variant: 'default' });
    expect(evaluate(flag(), {})).toEqual({ value: false, reason: 'STATIC', variant: 'default' });
    expect(evaluate(flag({ users: new Map([['x', true]]) }), { userId: 'y' })).toEqual({
      value: false,
      reason: 'DEFAULT',
      variant: 'default',
    });
  });

  it('lets targetingKey stand for userId when no userId is given', () => {
    expect(evaluate(rolled, { targetingKey: 'u1' }).reason).toBe('TARGETING_MATCH');
    expect(evaluate(rolled, { targetingKey: 'u1', userId: 'u9', companyId: 'globex' }).variant).toBe('company-target');
  });

  it('gives 0 % nobody and 100 % everybody', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (k) => {
        expect(evaluate(flag({ rollout: { percentage: 0, value: true } }), { targetingKey: k }).value).toBe(false);
        expect(evaluate(flag({ rollout: { percentage: 100, value: true } }), { targetingKey: k }).value).toBe(true);
      }),
    );
  });
});

describe('parseContext', () => {
  it('reads ids as strings and ignores other attributes', () => {
    expect(parseContext({ targetingKey: 'k', userId: 42, companyId: 'c', plan: 'gold' })).toEqual({
      targetingKey: 'k',
      userId: '42',
      companyId: 'c',
    });
    expect(parseContext(undefined)).toEqual({});
    expect(parseContext({})).toEqual({});
  });

  it.each([['x'], [[1]], [{ targetingKey: {} }], [{ userId: true }], [{ companyId: '' }], [{ targetingKey: 'x'.repeat(257) }]])(
    'refuses %j',
    (raw) => {
      expect(() => parseContext(raw)).toThrow(InvalidContextError);
    },
  );
});
