import fc from 'fast-check';
import { ValidationPipe } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { DomainError } from '../src/errors/domain-error';
import { RequestValidationPipe } from '../src/http/validation.pipe';

class Body {
  @IsString()
  @Matches(/^[a-z]+$/, { message: 'name must be lower-case letters' })
  name!: string;

  @IsOptional()
  @IsInt()
  count?: number;
}

const pipe = new RequestValidationPipe();
const asBody = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Body });

async function errorOf(value: unknown): Promise<DomainError> {
  try {
    await asBody(value);
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a validation error');
}

class Other {
  @IsString()
  name!: string;

  @IsInt()
  count!: number;
}

describe('RequestValidationPipe', () => {
  // The quota guard validates a request's arguments before the global pipe does (a request the pipe would refuse is
  // not counted): each management write ran class-validator twice, about a tenth of its CPU.
  it('validates a request object once per argument: a second pipe hands the first result on, a refusal is checked again', async () => {
    const validate = jest.spyOn(ValidationPipe.prototype as unknown as { validate: () => unknown }, 'validate');
    try {
      const guardPipe = new RequestValidationPipe();
      const body = { name: 'abc', count: 2 };
      const first = await guardPipe.transform(body, { type: 'body', metatype: Body });
      const second = await asBody(body);
      expect(second).toBe(first);
      expect(validate).toHaveBeenCalledTimes(1);
      // Another DTO, or the same object as another argument, is its own validation.
      expect(await pipe.transform(body, { type: 'body', metatype: Other, data: undefined })).toBeInstanceOf(Other);
      expect(await pipe.transform(body, { type: 'query', metatype: Body })).toBeInstanceOf(Body);
      expect(validate).toHaveBeenCalledTimes(3);
      // An equal but different object (another request) is validated on its own.
      expect(await asBody({ ...body })).not.toBe(first);
      expect(validate).toHaveBeenCalledTimes(4);
      const bad = { name: 'ABC' };
      await expect(guardPipe.transform(bad, { type: 'body', metatype: Body })).rejects.toThrow('name must be lower-case letters');
      await expect(asBody(bad)).rejects.toThrow('name must be lower-case letters');
      expect(validate).toHaveBeenCalledTimes(6);
    } finally {
      validate.mockRestore();
    }
  });

  it('accepts a valid body and returns an instance', async () => {
    const out = await asBody({ name: 'abc', count: 2 });
    expect(out).toBeInstanceOf(Body);
    expect(out).toEqual(Object.assign(new Body(), { name: 'abc', count: 2 }));
  });

  it('names a missing field, an unknown field and a wrong type', async () => {
    expect((await errorOf({})).message).toBe('name is required');
    expect((await errorOf({ name: 'abc', admin: true })).message).toBe('Unknown field: admin');
    expect((await errorOf({ name: 'abc', count: 'two' })).message).toBe('count must be an integer number');
    const e = await errorOf({ name: 'ABC', extra: 1 });
    expect(e.status).toBe(400);
    expect(e.extra.details).toEqual(expect.arrayContaining(['Unknown field: extra', 'name must be lower-case letters']));
  });

  it('refuses bodies that are not JSON objects', async () => {
    for (const value of [null, undefined, [], 'x', 3, true]) {
      expect((await errorOf(value)).message).toBe('Request body must be a JSON object');
    }
  });

  it('answers any JSON value with a result or a 400, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        try {
          await asBody(value);
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
          expect((err as DomainError).status).toBe(400);
        }
      }),
      { numRuns: 300 },
    );
  });
});
