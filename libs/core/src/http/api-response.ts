import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class ErrorBody {
  @ApiProperty({ example: 'App not found' })
  error!: string;

  @ApiProperty({ required: false, type: [String], description: 'Every field error, for validation failures' })
  details?: string[];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: malformed JSON, unknown field or a field of the wrong type/format',
  401: 'Missing, unknown, revoked or expired token: `{"error":"Not authenticated"}`',
  403: 'The token lacks the scope, or the action is not allowed: `{"error":"Insufficient permissions"}`',
  404: 'Not found (also for resources of other users, whose existence is never revealed)',
  409: 'Conflict with existing state: it already exists, or a tenant limit is reached (`… limit reached (N)`)',
  412: 'Version conflict',
  413: 'Request body larger than the limit',
  429: 'Too many requests; see Retry-After',
};

/** Documents the error statuses a route can answer, each with the `{"error": "..."}` body. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ErrorBody),
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', schema: { $ref: getSchemaPath(ErrorBody) } }),
    ),
  );
}

/** Documents a success response wrapped in the API's envelope: `{"data": <model>}` or `{"data": [<model>]}`. */
export function ApiData(
  model: Type<unknown>,
  options: { status?: number; isArray?: boolean; isMap?: boolean; description?: string; extra?: Record<string, object> } = {},
) {
  const ref = { $ref: getSchemaPath(model) };
  const data = options.isArray ? { type: 'array', items: ref } : options.isMap ? { type: 'object', additionalProperties: ref } : ref;
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description ?? 'Success',
      schema: {
        type: 'object',
        required: ['data'],
        properties: { data, ...options.extra },
      },
    }),
  );
}

export class SuccessDto {
  @ApiProperty({ example: true })
  success!: boolean;
}
