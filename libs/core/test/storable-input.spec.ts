import fc from 'fast-check';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { DomainError } from '../src/errors/domain-error';
import { assertStorableJson, MAX_JSON_DEPTH, storableProblem } from '../src/http/storable-input';
import { RequestValidationPipe } from '../src/http/validation.pipe';

const nest = (depth: number, leaf: unknown = 1): unknown => (depth === 0 ? leaf : { d: nest(depth - 1, leaf) });
/** JSON without anything PostgreSQL refuses: strings and keys of printable characters and proper pairs. */
const storable = fc
  .jsonValue({ maxDepth: 6 })
  .filter((v) => !JSON.stringify(v).includes('\\u0000') && !/\\ud[89a-f]/i.test(JSON.stringify(v)));

describe('storableProblem', () => {
  it('accepts JSON PostgreSQL stores as given', () => {
    fc.assert(fc.property(storable, (v) => expect(storableProblem(v, 'value')).toBeNull()));
    expect(storableProblem(nest(MAX_JSON_DEPTH), 'value')).toBeNull();
    expect(storableProblem({ s: '😀 e\u0301' }, 'value')).toBeNull();
  });

  it('names the first NUL, lone surrogate or non-finite number at any depth, or the nesting', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom('a\u0000', '\ud800', '\udfffx', Infinity, -Infinity, NaN),
        (depth, bad) => {
          const problem = storableProblem(nest(depth, bad), 'value');
          expect(problem).toMatch(new RegExp(`^value${'\\.d'.repeat(depth)} must`));
        },
      ),
    );
    expect(storableProblem({ ok: 1, list: [0, 'x\u0000'] }, 'value')).toBe('value.list.1 must not contain NUL characters');
    expect(storableProblem({ ['\ud83d']: 1 }, 'value')).toBe('value must not contain a lone surrogate (invalid UTF-16) (in a key)');
    expect(storableProblem(nest(MAX_JSON_DEPTH + 1), 'value')).toBe(`value nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => assertStorableJson([Infinity], 'flags.a')).toThrow(new DomainError(400, 'flags.a.0 must be a finite number'));
  });
});

class Item {
  @ApiPropertyOptional() @IsOptional() @IsString() id?: string;
  @ApiProperty({ nullable: true }) @IsOptional() value?: unknown;
}
class Body {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() flag?: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() note?: string | null;
  @ApiProperty() @IsString() name!: string;
  @ApiProperty({ type: [Item] }) @IsArray() @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

describe('RequestValidationPipe: nulls and unstorable input', () => {
  const pipe = new RequestValidationPipe();
  const errorOf = async (value: unknown, type: 'body' | 'query' | 'param' = 'body', metatype: unknown = Body, data?: string) => {
    try {
      await pipe.transform(value, { type, metatype: metatype as never, data });
    } catch (err) {
      return (err as DomainError).message;
    }
    return 'accepted';
  };

  it('refuses null for an optional field unless documented nullable, nested DTOs included', async () => {
    expect(await errorOf({ name: 'a', items: [], flag: null })).toBe('flag must not be null');
    expect(await errorOf({ name: 'a', items: [{ id: 'x' }, { id: null }] })).toBe('items.1.id must not be null');
    expect(await errorOf({ name: 'a', items: [{ value: null }], note: null })).toBe('accepted');
    // A required field's own rule speaks for it.
    expect(await errorOf({ name: null, items: [] })).toBe('name must be a string');
  });

  it('walks bodies, queries and path parameters for NULs, surrogates, non-finite numbers and nesting', async () => {
    expect(await errorOf({ name: 'a\u0000', items: [] })).toBe('name must not contain NUL characters');
    expect(await errorOf({ name: 'a', items: [{ value: { deep: ['\ud800'] } }] })).toBe(
      'items.0.value.deep.0 must not contain a lone surrogate (invalid UTF-16)',
    );
    expect(await errorOf({ name: 'a', items: [], extra: nest(100) })).toBe(`The request nests deeper than ${MAX_JSON_DEPTH + 4} levels`);
    expect(await errorOf({ 'k\u0000': '1' }, 'query', Body)).toBe('A field name must not contain NUL characters');
    expect(await errorOf('a\u0000b', 'param', String, 'key')).toBe('key must not contain NUL characters');
  });
});
