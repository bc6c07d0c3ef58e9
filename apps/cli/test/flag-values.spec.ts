import fc from 'fast-check';
import { ExitCode, UsageError } from '../src/errors';
import { parseFlagValue } from '../src/flag-values';

const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof UsageError && err.exitCode === ExitCode.usage;
  }
  return false;
};

describe('parseFlagValue', () => {
  it('bool takes exactly true and false', () => {
    expect(parseFlagValue('bool', 'true')).toBe(true);
    expect(parseFlagValue('bool', 'false')).toBe(false);
    fc.assert(
      fc.property(
        fc.string().filter((s) => s !== 'true' && s !== 'false'),
        (s) => usageError(() => parseFlagValue('bool', s)),
      ),
    );
  });

  it('number takes every finite number written by JavaScript, and nothing that is not one', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => parseFlagValue('number', String(n)) === n));
    for (const bad of ['', ' ', 'abc', '4x', 'NaN', 'Infinity', '-Infinity', '1e999'])
      expect(usageError(() => parseFlagValue('number', bad))).toBe(true);
  });

  it('string keeps the text as it is', () => {
    fc.assert(fc.property(fc.string(), (s) => parseFlagValue('string', s) === s));
  });

  it('json takes any JSON object or array and refuses other JSON and non-JSON', () => {
    const objectOrArray = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()));
    fc.assert(fc.property(objectOrArray, (v) => expect(parseFlagValue('json', JSON.stringify(v))).toEqual(JSON.parse(JSON.stringify(v)))));
    for (const bad of ['42', '"text"', 'true', 'null', '{a:1}', '']) expect(usageError(() => parseFlagValue('json', bad))).toBe(true);
  });
});
