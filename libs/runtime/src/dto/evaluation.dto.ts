import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const VALUE_SCHEMA = {
  oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }, { type: 'object' }, { type: 'array', items: {} }],
};

export class EvaluationContextDto {
  @ApiPropertyOptional({ example: 'user-42', description: 'Bucketing key for rollouts; doubles as userId when no userId is given' })
  targetingKey?: string;
  @ApiPropertyOptional({ example: 'user-42' }) userId?: string;
  @ApiPropertyOptional({ example: 'acme-corp' }) companyId?: string;
}

export class EvaluationRequestDto {
  @ApiProperty({ type: EvaluationContextDto, description: 'Other attributes are accepted and ignored' }) context!: EvaluationContextDto;
}

export class EvaluatedFlagDto {
  @ApiProperty({ ...VALUE_SCHEMA, example: true } as never) value!: unknown;
  @ApiProperty({ enum: ['TARGETING_MATCH', 'SPLIT', 'STATIC', 'DEFAULT'] }) reason!: string;
  @ApiProperty({ enum: ['user-target', 'company-target', 'rollout', 'default'] }) variant!: string;
}

export class EvaluationDto {
  @ApiProperty({ example: 47 }) version!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/EvaluatedFlagDto' } } as never) flags!: Record<
    string,
    EvaluatedFlagDto
  >;
}

export class OfrepSuccessDto {
  @ApiProperty({ example: 'new-checkout-flow' }) key!: string;
  @ApiProperty({ ...VALUE_SCHEMA, example: true } as never) value!: unknown;
  @ApiProperty({ enum: ['TARGETING_MATCH', 'SPLIT', 'STATIC', 'DEFAULT'] }) reason!: string;
  @ApiProperty({ example: 'rollout' }) variant!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {} }) metadata!: Record<string, unknown>;
}

export class OfrepBulkDto {
  @ApiProperty({ type: [OfrepSuccessDto] }) flags!: OfrepSuccessDto[];
}

export class OfrepErrorDto {
  @ApiPropertyOptional({ example: 'new-checkout-flow', description: 'On single-flag errors' }) key?: string;
  @ApiProperty({ enum: ['FLAG_NOT_FOUND', 'INVALID_CONTEXT', 'PARSE_ERROR', 'GENERAL'] }) errorCode!: string;
  @ApiProperty({ example: 'flag new-checkout-flow does not exist' }) errorDetails!: string;
}
