import fc from 'fast-check';
import type { FlagView } from '../src/api/client';
import { renderFlagTypesModule } from '../src/flag-types-module';

const flag = (type: FlagView['type'], value: FlagView['value'], clientEnabled = false): FlagView => ({ type, value, clientEnabled });

describe('renderFlagTypesModule', () => {
  it('maps each flag key to its value type, keys sorted, client flags listed', () => {
    const module = renderFlagTypesModule({
      'max-items': flag('number', 10),
      'dark-mode': flag('bool', true, true),
      banner: flag('string', 'hi', true),
      checkout: flag('json', { steps: ['cart', 1], "it's": null, nested: { ok: true }, empty: {}, none: [] }),
    });
    expect(module).toContain(
      [
        'export interface Flags {',
        "  'banner': string;",
        "  'checkout': {",
        '    empty: Record<string, unknown>;',
        "    'it\\'s': null;",
        '    nested: {',
        '      ok: boolean;',
        '    };',
        '    none: unknown[];',
        '    steps: (number | string)[];',
        '  };',
        "  'dark-mode': boolean;",
        "  'max-items': number;",
        '}',
      ].join('\n'),
    );
    expect(module).toContain("export type ClientFlagKey = 'banner' | 'dark-mode';");
    expect(module).toContain("  'checkout': 'json',\n  'dark-mode': 'bool',");
  });

  it('is valid for an environment without flags', () => {
    const module = renderFlagTypesModule({});
    expect(module).toContain('export interface Flags {}');
    expect(module).toContain('export type ClientFlagKey = never;');
    expect(module).toContain('export const flagTypes = {} as const satisfies Record<FlagKey, FlagType>;');
  });

  it('depends only on the flags and their types: not on their order, nor on bool/string/number values', () => {
    const key = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,20}$/);
    const scalar = fc.oneof(
      fc.boolean().map((v) => flag('bool', v)),
      fc.string().map((v) => flag('string', v)),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => flag('number', v)),
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, scalar), { selector: ([k]) => k }), (entries) => {
        const reversed = Object.fromEntries([...entries].reverse());
        const retoggled = Object.fromEntries(
          entries.map(([k, f]) => [k, { ...f, value: f.type === 'bool' ? !f.value : f.type === 'string' ? `${f.value}!` : 0 }]),
        );
        const module = renderFlagTypesModule(Object.fromEntries(entries));
        return module === renderFlagTypesModule(reversed) && module === renderFlagTypesModule(retoggled);
      }),
    );
  });
});
