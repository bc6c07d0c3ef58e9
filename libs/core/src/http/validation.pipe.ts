import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from '../errors/domain-error';
import { MAX_JSON_DEPTH, storableProblem } from './storable-input';

// @nestjs/swagger's metadata keys (DECORATORS.API_MODEL_PROPERTIES…): the documented shape of each DTO field.
const API_PROPERTIES = 'swagger/apiModelProperties';
const API_PROPERTY_NAMES = 'swagger/apiModelPropertiesArray';
/** Room for the deepest DTO around a free-form JSON value (`updates[i].value`): the value itself is limited where it is read. */
const MAX_BODY_DEPTH = MAX_JSON_DEPTH + 4;

type Ctor = abstract new (...args: never[]) => unknown;

/** What documentedNullProblem reads of one documented DTO field. */
interface DocumentedField {
  name: string;
  /** Optional, and null not documented: null is refused. */
  nullRefused: boolean;
  /** The DTO of a nested object (or of each item of a nested array), when the field has one. */
  nested: Ctor | undefined;
}

/** Each DTO's documented fields, read from its metadata once (decorators have run by the time a request comes). */
const documentedFields = new WeakMap<Ctor, DocumentedField[]>();

function fieldsOf(metatype: Ctor): DocumentedField[] {
  let fields = documentedFields.get(metatype);
  if (fields) return fields;
  const names: string[] = Reflect.getMetadata(API_PROPERTY_NAMES, metatype.prototype) ?? [];
  fields = names.map((n) => {
    const name = n.slice(1);
    const doc = Reflect.getMetadata(API_PROPERTIES, metatype.prototype, name) as
      { nullable?: boolean; required?: boolean; type?: unknown } | undefined;
    const nested =
      typeof doc?.type === 'function' && Reflect.hasMetadata(API_PROPERTY_NAMES, (doc.type as Ctor).prototype)
        ? (doc.type as Ctor)
        : undefined;
    return { name, nullRefused: doc?.required === false && !doc.nullable, nested };
  });
  documentedFields.set(metatype, fields);
  return fields;
}

/**
 * The first optional field of `body` (a DTO's input, nested DTOs included) that is null although its documentation
 * does not say `nullable`. class-validator's @IsOptional lets null through, and a service that reads "not undefined" as
 * "given" would write it (`clientEnabled: null` once reached a NOT NULL column as a 500). So null means something
 * only where the OpenAPI document says what (`description: null` clears, `rollout: null` removes); elsewhere it is
 * refused, never silently treated as absent. Unknown fields are left to the whitelist.
 */
function documentedNullProblem(body: Record<string, unknown>, metatype: Ctor, path: string): string | null {
  for (const { name, nullRefused, nested } of fieldsOf(metatype)) {
    const value = body[name];
    if (value === undefined) continue;
    const where = path ? `${path}.${name}` : name;
    if (value === null) {
      // A required field's own rules refuse null (with its own message, e.g. "Invalid value for flag type bool").
      if (nullRefused) return `${where} must not be null`;
      continue;
    }
    if (!nested || typeof value !== 'object') continue;
    const items = Array.isArray(value) ? value.map((v, i) => [v, `${where}.${i}`] as const) : [[value, where] as const];
    for (const [item, at] of items) {
      const problem =
        item !== null && typeof item === 'object' && !Array.isArray(item)
          ? documentedNullProblem(item as Record<string, unknown>, nested, at)
          : null;
      if (problem) return problem;
    }
  }
  return null;
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    // Type checks (isInt, isString, …) first: "must be an integer" says more than "must not be less than 1".
    const constraints = Object.entries(e.constraints ?? {}).sort(([a], [b]) => Number(!a.startsWith('is')) - Number(!b.startsWith('is')));
    if (constraints.some(([rule]) => rule === 'whitelistValidation')) {
      out.push(`Unknown field: ${path}`);
    } else if (constraints.length > 0 && e.value === undefined) {
      out.push(`${path} is required`);
    } else {
      for (const [, message] of constraints) {
        out.push(message.includes(e.property) ? (parent ? `${parent}.${message}` : message) : `${path}: ${message}`);
      }
    }
    if (e.children?.length) out.push(...flatten(e.children, path));
  }
  return out;
}

/**
 * What the pipe accepted, by the request's own object (its parsed body or query) and the argument (type and field):
 * the quota guard validates a request's arguments before the global pipe sees them (a request the pipe refuses is
 * not counted), and the pipe then hands the same result on instead of validating twice. Refusals are not kept:
 * the pipe validates again and throws its 400. Held weakly, so an entry goes with its request.
 */
const accepted = new WeakMap<object, Map<string, { metatype: ArgumentMetadata['metatype']; value: unknown }>>();

/**
 * Request validation for every DTO: unknown fields and wrong types are 400s naming the field
 * (`{"error":"name must be a string","details":[...]}`); a body that is not a JSON object is refused outright.
 * Before the DTO rules, every body, query and path parameter is checked for what PostgreSQL cannot store
 * (NUL, lone surrogates), numbers beyond a double and absurd nesting, and nulls the DTO does not document,
 * so none of them can reach SQL as a 500. Bodies without a DTO (runtime evaluation contexts) are not walked:
 * they are never stored, and the runtime path stays free of per-request work.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => {
        const details = flatten(errors);
        // `details` only when there is more than the one message already in `error`.
        return badRequest(details[0] ?? 'Invalid request', details.length > 1 ? { details } : {});
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only a DTO's input is kept: other values pass through the pipe unchanged, at no cost worth keeping.
    const kept = typeof value === 'object' && value !== null && typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (!kept) return this.check(value, metadata);
    const argument = `${metadata.type}:${metadata.data ?? ''}`;
    let byArgument = accepted.get(value);
    const earlier = byArgument?.get(argument);
    if (earlier && earlier.metatype === metadata.metatype) return earlier.value;
    const result = await this.check(value, metadata);
    if (!byArgument) accepted.set(value, (byArgument = new Map()));
    byArgument.set(argument, { metatype: metadata.metatype, value: result });
    return result;
  }

  private async check(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw badRequest('Request body must be a JSON object');
      }
    }
    if (metadata.type === 'query' && typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (Array.isArray(v)) throw badRequest(`${k} must be given once`);
      }
    }
    const checked = metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param';
    if (checked && metadata.metatype && metadata.metatype !== Object) {
      const problem = storableProblem(value, metadata.type === 'param' ? (metadata.data ?? 'param') : '', MAX_BODY_DEPTH);
      if (problem) throw badRequest(problem);
      if (metadata.type === 'body') {
        const nullProblem = documentedNullProblem(value as Record<string, unknown>, metadata.metatype as Ctor, '');
        if (nullProblem) throw badRequest(nullProblem);
      }
    }
    return super.transform(value, metadata);
  }
}
