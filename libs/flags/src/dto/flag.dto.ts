import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { type CursorPart, MAX_INT32, PageQueryDto } from '@superflag/core';
import { EnvQueryDto } from '@superflag/environments';
import { FLAG_KEY_PATTERN, FLAG_TYPES, type FlagType } from '../flag-values';

const KEY_MESSAGE = "key must be 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit";
const VALUE_SCHEMA = {
  description: 'bool → boolean; string → string (≤ 64 KiB); number → finite number; json → object or array (≤ 64 KiB)',
  oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }, { type: 'object' }, { type: 'array', items: {} }],
};

const ROLLOUT_SCHEMA = {
  type: 'object',
  nullable: true,
  required: ['percentage', 'value'],
  properties: { percentage: { type: 'number', minimum: 0, maximum: 100, example: 25 }, value: VALUE_SCHEMA },
  description:
    'That share of targeting keys gets `value`, the rest the flag\'s value. Bucket = first 4 bytes of sha256(flagKey + ":" + targetingKey), big-endian, / 2^32 × 100; a key is in when bucket < percentage. `null` removes it.',
};

/** Fields every versioned write accepts. */
export class WriteMetaDto extends EnvQueryDto {
  @ApiPropertyOptional({ example: 'Enable dark mode for the launch', maxLength: 1000, description: 'Recorded in the change history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  changeDescription?: string;

  @ApiPropertyOptional({
    example: 42,
    description: 'Optimistic concurrency (same as `If-Match: "42"`): fail with 412 unless the environment is at this version',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  expectedVersion?: number;
}

export class FlagKeyQueryDto extends EnvQueryDto {
  @ApiProperty({ example: 'old-feature' })
  @IsString()
  @Matches(FLAG_KEY_PATTERN, { message: KEY_MESSAGE })
  key!: string;
}

export class CreateFlagDto extends WriteMetaDto {
  @ApiProperty({ example: 'new-feature', pattern: FLAG_KEY_PATTERN.source })
  @IsString()
  @Matches(FLAG_KEY_PATTERN, { message: KEY_MESSAGE })
  key!: string;

  @ApiProperty({ enum: FLAG_TYPES, example: 'bool' })
  @IsIn(FLAG_TYPES, { message: 'Invalid flag type' })
  type!: FlagType;

  @ApiProperty({ ...VALUE_SCHEMA, example: true })
  @Allow()
  value!: unknown;

  @ApiPropertyOptional({
    example: true,
    default: false,
    description: 'Whether public (pub_) keys, i.e. browsers and mobile apps, see this flag',
  })
  @IsOptional()
  @IsBoolean()
  clientEnabled?: boolean;

  @ApiPropertyOptional({ example: 'New onboarding flow', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional(ROLLOUT_SCHEMA as never)
  @Allow()
  rollout?: unknown;
}

export class UpdateFlagDto extends WriteMetaDto {
  @ApiProperty({ example: 'dark-mode' })
  @IsString()
  @Matches(FLAG_KEY_PATTERN, { message: KEY_MESSAGE })
  key!: string;

  @ApiPropertyOptional({ ...VALUE_SCHEMA, example: false })
  @Allow()
  value?: unknown;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  clientEnabled?: boolean;

  @ApiPropertyOptional({ example: 'Dark theme', maxLength: 1000, nullable: true, type: String, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ enum: FLAG_TYPES, description: 'Only together with a value of the new type' })
  @IsOptional()
  @IsIn(FLAG_TYPES, { message: 'Invalid flag type' })
  type?: FlagType;

  @ApiPropertyOptional(ROLLOUT_SCHEMA as never)
  @Allow()
  rollout?: unknown;
}

export class TargetUpdateDto {
  @ApiProperty({ example: 'new-checkout-flow' })
  @IsString()
  @Matches(FLAG_KEY_PATTERN, { message: KEY_MESSAGE.replace('key', 'flagKey') })
  flagKey!: string;

  @ApiProperty({
    ...VALUE_SCHEMA,
    nullable: true,
    example: true,
    description: "A value of the flag's type for this target; null removes the target's override",
  })
  @Allow()
  value!: unknown;

  @ApiPropertyOptional({ example: 'acme-corp', maxLength: 256, description: 'Exactly one of companyId and userId' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  companyId?: string;

  @ApiPropertyOptional({ example: 'user-42', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  userId?: string;
}

export class SpecificTargetsDto {
  @ApiProperty({ type: [TargetUpdateDto], minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => TargetUpdateDto)
  updates!: TargetUpdateDto[];

  @ApiPropertyOptional({ example: 'Enabled new checkout flow for Acme Corp in prod', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  changeDescription?: string;

  @ApiPropertyOptional({ example: 42, description: 'Optimistic concurrency, as for flag writes' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  expectedVersion?: number;
}

export class TargetsResultDto {
  @ApiProperty({ example: 47 }) version!: number;
  @ApiProperty({ example: 1 }) updated!: number;
}

export class FlagTargetsDto {
  @ApiProperty({ example: 'new-checkout-flow' }) key!: string;
  @ApiProperty({ type: 'object', additionalProperties: VALUE_SCHEMA, example: { 'user-42': true }, description: 'userId → value' } as never)
  users!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: VALUE_SCHEMA,
    example: { 'acme-corp': true },
    description: 'companyId → value',
  } as never)
  companies!: Record<string, unknown>;
}

export class BulkUpdateDto extends WriteMetaDto {
  @ApiProperty({
    example: { 'feature-a': true, 'feature-b': false, 'api-timeout': 30 },
    type: 'object',
    additionalProperties: VALUE_SCHEMA,
    description: 'key → new value; 1 to 1000 existing flags; all or nothing',
  })
  @IsObject({ message: 'flags must be an object of key → value' })
  flags!: Record<string, unknown>;
}

export class RollbackDto extends WriteMetaDto {
  @ApiProperty({ example: 12, description: "Restore the environment's flags to what they were right after this version" })
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  version!: number;
}

export class ChangesQueryDto extends EnvQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({
    example: 40,
    description: 'Cursor: only changes with a version below this (use `nextBefore` of the previous page)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  before?: number;

  @ApiPropertyOptional({
    example: 'WzQwXQ',
    maxLength: 1024,
    description: "Opaque, as on every list: the previous page's `nextCursor` (instead of `before`)",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  cursor?: string;
}

/** A change history cursor: the version of the last change of the page. */
export const CHANGE_CURSOR: readonly CursorPart[] = ['number'];

export class TargetsQueryDto extends IntersectionType(EnvQueryDto, PageQueryDto) {}

/** A targets cursor: the last override's (type, id). */
export const TARGET_CURSOR: readonly CursorPart[] = ['string', 'string'];

export class FlagViewDto {
  @ApiProperty({ enum: FLAG_TYPES, example: 'bool' }) type!: FlagType;
  @ApiProperty({ ...VALUE_SCHEMA, example: true }) value!: unknown;
  @ApiProperty({ example: true }) clientEnabled!: boolean;
}

export class FlagDetailDto extends FlagViewDto {
  @ApiProperty({ example: 'dark-mode' }) key!: string;
  @ApiProperty({ ...ROLLOUT_SCHEMA } as never) rollout!: unknown;
  @ApiProperty({ example: 'Dark theme', nullable: true, type: String }) description!: string | null;
  @ApiProperty({ example: 44, description: "The environment's current version" }) version!: number;
}

export class FlagWriteResultDto {
  @ApiProperty({ example: 43, description: "The environment's new version" }) version!: number;
  @ApiProperty({ type: FlagViewDto }) flag!: FlagViewDto;
}

export class VersionDto {
  @ApiProperty({ example: 45 }) version!: number;
}

export class BulkResultDto {
  @ApiProperty({ example: 46 }) version!: number;
  @ApiProperty({ example: 3 }) updated!: number;
}

export class RollbackResultDto {
  @ApiProperty({ example: 47 }) version!: number;
  @ApiProperty({ example: 2, description: 'How many flags were created, changed or deleted to restore the old set' }) restored!: number;
}

export class FlagStateDto extends FlagViewDto {
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ ...ROLLOUT_SCHEMA } as never) rollout!: unknown;
}

export class FlagDiffDto {
  @ApiProperty({ example: 'dark-mode' }) key!: string;
  @ApiPropertyOptional({ enum: ['user', 'company'], description: 'Present on a change of one override' }) targetType?: string;
  @ApiPropertyOptional({ example: 'acme-corp' }) targetId?: string;
  @ApiProperty({
    nullable: true,
    description: 'A flag state, or for an override its value; null: did not exist',
    oneOf: [{ $ref: '#/components/schemas/FlagStateDto' }, VALUE_SCHEMA],
  } as never)
  before!: unknown;
  @ApiProperty({
    nullable: true,
    description: 'A flag state, or for an override its value; null: removed',
    oneOf: [{ $ref: '#/components/schemas/FlagStateDto' }, VALUE_SCHEMA],
  } as never)
  after!: unknown;
}

export class ActorDto {
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ example: 'tok_3kP9sLmQ2xVb7RtZ', nullable: true, type: String }) tokenId!: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: "The app's mgmt_ key, when one made the change (userId and tokenId are then null)",
  })
  appKeyId!: string | null;
}

export class ChangeDto {
  @ApiProperty({ example: 'chg_Q2x8Lm3Rt7VbK9sP' }) id!: string;
  @ApiProperty({ example: 44 }) version!: number;
  @ApiProperty({ enum: ['create', 'update', 'delete', 'bulk', 'rollback', 'targets'] }) action!: string;
  @ApiProperty({ type: [String], example: ['dark-mode'] }) keys!: string[];
  @ApiProperty({ type: [FlagDiffDto] }) changes!: FlagDiffDto[];
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ nullable: true, type: String, example: 'Enable dark mode for the launch' }) changeDescription!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'For a rollback: the version restored' }) rolledBackTo!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
