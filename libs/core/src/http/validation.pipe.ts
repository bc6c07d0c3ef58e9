import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from '../errors/domain-error';

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
 * Request validation for every DTO: unknown fields and wrong types are 400s naming the field
 * (`{"error":"name must be a string","details":[...]}`); a body that is not a JSON object is refused outright.
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
    return super.transform(value, metadata);
  }
}
