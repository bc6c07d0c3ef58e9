import fc from 'fast-check';
import { DomainError } from '@superflag/core';
import { etagMatches } from '../src/etag';
import { assertFlagValue, FLAG_KEY_PATTERN, FLAG_TYPES, isValidFlagValue, MAX_VALUE_BYTES, parseIfMatch } from '../src/flag-values';

describe('flag values', () => {
  it('accepts exactly the JSON shape of each type', () => {
    fc.assert(fc.property(fc.boolean(), (v) => expect(isValidFlagValue('bool', v)).toBe(true)));
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => expect(isValidFlagValue('number', v)).toBe(true)));
    fc.assert(fc.property(fc.string(), (v) => expect(isValidFlagValue('string', v)).toBe(true)));
    fc.assert(fc.property(fc.oneof(fc.object(), fc.array(fc.jsonValue())), (v) => expect(isValidFlagValue('json', v)).toBe(true)));
  });

  it('rejects everything else, including null, NaN and Infinity', () => {
    for (const type of FLAG_TYPES) expect(isValidFlagValue(type, null)).toBe(false);
    for (const v of [NaN, Infinity, -Infinity, '1', true]) expect(isValidFlagValue('number', v)).toBe(false);
    for (const v of ['true', 0, 1, {}]) expect(isValidFlagValue('bool', v)).toBe(false);
    for (const v of ['{}', 1, true]) expect(isValidFlagValue('json', v)).toBe(false);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        if (typeof v !== 'boolean') expect(isValidFlagValue('bool', v)).toBe(false);
      }),
    );
  });

  it('caps string and json values at 64 KiB of UTF-8', () => {
    expect(isValidFlagValue('string', 'x'.repeat(MAX_VALUE_BYTES))).toBe(true);
    expect(isValidFlagValue('string', 'x'.repeat(MAX_VALUE_BYTES + 1))).toBe(false);
    expect(isValidFlagValue('string', 'é'.repeat(MAX_VALUE_BYTES / 2 + 1))).toBe(false);
    expect(isValidFlagValue('json', { v: 'x'.repeat(MAX_VALUE_BYTES - 8) })).toBe(true);
    expect(isValidFlagValue('json', { v: 'x'.repeat(MAX_VALUE_BYTES) })).toBe(false);
  });

  it('names the type, and the key in a batch, when a value does not fit', () => {
    expect(() => assertFlagValue('bool', 1)).toThrow(new DomainError(400, 'Invalid value for flag type bool'));
    try {
      assertFlagValue('number', 'x', 'limit');
    } catch (err) {
      expect((err as DomainError).message).toBe('Invalid value for flag type number: limit');
      expect((err as DomainError).extra).toEqual({ key: 'limit' });
    }
  });
});

describe('flag keys', () => {
  it('allow 1-128 letters, digits, dot, dash and underscore, starting with a letter or digit', () => {
    for (const ok of ['a', 'dark-mode', 'A.b_c-9', 'x'.repeat(128), '0']) expect(FLAG_KEY_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', '-a', '.a', '_a', 'a b', 'a/b', 'x'.repeat(129), 'é', 'a\n']) expect(FLAG_KEY_PATTERN.test(bad)).toBe(false);
  });
});

describe('If-Match and If-None-Match', () => {
  it('reads versions from strong, weak and bare tags', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
    expect(parseIfMatch('"12"')).toBe(12);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(parseIfMatch('12')).toBe(12);
    for (const bad of ['"x"', '', '"-1"', '"1.5"', '"1", "2"']) expect(() => parseIfMatch(bad)).toThrow(DomainError);
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(etagMatches('"4"', '"4"')).toBe(true);
    expect(etagMatches('W/"4"', '"4"')).toBe(true);
    expect(etagMatches('"3", "4"', '"4"')).toBe(true);
    expect(etagMatches('*', '"4"')).toBe(true);
    expect(etagMatches('"3"', '"4"')).toBe(false);
    expect(etagMatches(undefined, '"4"')).toBe(false);
  });
});
