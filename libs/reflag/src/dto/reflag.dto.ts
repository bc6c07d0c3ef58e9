import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MAX_INT32 } from '@superflag/core';
import { FLAG_KEY_PATTERN, MAX_TARGET_ID_LENGTH, MAX_TARGET_UPDATES } from '@superflag/flags';

/*
 * Reflag's Management API shapes (its OpenAPI document "Reflag API" 2.0.0 and the models of @reflag/management-sdk),
 * field for field. Class names carry the Reflag prefix so they never collide with the project's own schemas.
 */

const FLAG_KEY_MESSAGE = "flagKey must be 1-128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit";
const ANY_VALUE = {
  description: "A value of the flag's type: true for Reflag's boolean flags; a string, number or JSON value for typed flags",
  oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'number' }, { type: 'object' }, { type: 'array', items: {} }],
};
const NOTIFICATIONS = {
  description: "Reflag's notification destinations (`true`/`false`, or a list such as `['slack']`): accepted and ignored",
  oneOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'string' } }],
};
const booleanish = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

// ---- requests ----

export class ReflagSpecificTargetUpdateDto {
  @ApiProperty({ example: 'new-checkout-flow', pattern: FLAG_KEY_PATTERN.source })
  @IsString()
  @Matches(FLAG_KEY_PATTERN, { message: FLAG_KEY_MESSAGE })
  flagKey!: string;

  @ApiProperty({ ...ANY_VALUE, nullable: true, example: true, description: `${ANY_VALUE.description}; null removes the target` })
  @Allow()
  value!: unknown;

  @ApiPropertyOptional({ example: 'acme-corp', maxLength: MAX_TARGET_ID_LENGTH, description: 'Exactly one of companyId and userId' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TARGET_ID_LENGTH)
  companyId?: string;

  @ApiPropertyOptional({ example: 'user-42', maxLength: MAX_TARGET_ID_LENGTH })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TARGET_ID_LENGTH)
  userId?: string;
}

export class ReflagSpecificTargetsDto {
  @ApiProperty({ type: [ReflagSpecificTargetUpdateDto], minItems: 1, maxItems: MAX_TARGET_UPDATES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TARGET_UPDATES)
  @ValidateNested({ each: true })
  @Type(() => ReflagSpecificTargetUpdateDto)
  updates!: ReflagSpecificTargetUpdateDto[];

  @ApiPropertyOptional({ example: 'Enabled new checkout flow for Acme Corp in prod', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  changeDescription?: string;

  @ApiPropertyOptional(NOTIFICATIONS as never)
  @Allow()
  notifications?: unknown;

  @ApiPropertyOptional({
    example: 42,
    description: 'Optimistic concurrency (same as `If-Match: "42"`): 412 unless the environment is at it',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  expectedVersion?: number;
}

export class ReflagEntityFlagUpdateDto {
  @ApiProperty({ example: 'new-checkout-flow', pattern: FLAG_KEY_PATTERN.source })
  @IsString()
  @Matches(FLAG_KEY_PATTERN, { message: FLAG_KEY_MESSAGE })
  flagKey!: string;

  @ApiPropertyOptional({
    ...ANY_VALUE,
    nullable: true,
    example: true,
    description: "true targets the entity, null removes it (Reflag); a typed flag's value also works. Exactly one of the three names",
  } as never)
  @Allow()
  specificTargetValue?: unknown;

  @ApiPropertyOptional({ ...ANY_VALUE, nullable: true, description: 'The same, by the name of earlier Reflag API versions' } as never)
  @Allow()
  specificallyTargetedValue?: unknown;

  @ApiPropertyOptional({ ...ANY_VALUE, nullable: true, description: 'The same, by the name of Reflag API 2.0' } as never)
  @Allow()
  value?: unknown;
}

export class ReflagEntityFlagsBodyDto {
  @ApiProperty({ type: [ReflagEntityFlagUpdateDto], minItems: 1, maxItems: MAX_TARGET_UPDATES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TARGET_UPDATES)
  @ValidateNested({ each: true })
  @Type(() => ReflagEntityFlagUpdateDto)
  updates!: ReflagEntityFlagUpdateDto[];

  @ApiPropertyOptional({ example: 'Beta access for Acme', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  changeDescription?: string;

  @ApiPropertyOptional(NOTIFICATIONS as never)
  @Allow()
  notifications?: unknown;
}

export class ReflagAppsQueryDto {
  @ApiPropertyOptional({ description: 'Organization identifier: accepted and ignored (your apps are your organization)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  orgId?: string;
}

export class ReflagEnvironmentsQueryDto {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'sortOrder must be asc or desc' })
  sortOrder?: 'asc' | 'desc';

  @ApiPropertyOptional({ enum: ['name', 'order'], default: 'order' })
  @IsOptional()
  @IsIn(['name', 'order'], { message: 'sortBy must be name or order' })
  sortBy?: 'name' | 'order';
}

export class ReflagFeaturesQueryDto {
  @ApiProperty({ example: 'env_prd123', description: "The environment's id (or name)" })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  envId!: string;

  @ApiPropertyOptional({ enum: ['key', 'name'], default: 'key', description: 'A flag is named by its key here, so both sort alike' })
  @IsOptional()
  @IsIn(['key', 'name'], { message: 'sortBy must be key or name' })
  sortBy?: 'key' | 'name';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'sortOrder must be asc or desc' })
  sortOrder?: 'asc' | 'desc';

  @ApiPropertyOptional({ type: Boolean, default: false, description: "Add each flag's values as remote-config variants" })
  @IsOptional()
  @Transform(booleanish)
  @IsBoolean({ message: 'includeRemoteConfigs must be true or false' })
  includeRemoteConfigs?: boolean;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  pageIndex?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Without it, every flag in one page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize?: number;
}

// ---- responses ----

export class ReflagOrgHeaderDto {
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', description: 'The account the apps belong to (a user id)' }) id!: string;
  @ApiProperty({ example: 'jane@example.com' }) name!: string;
}

export class ReflagEnvironmentHeaderDto {
  @ApiProperty({ example: 'env_prd123' }) id!: string;
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ example: true, description: 'True for the environment named production' }) isProduction!: boolean;
  @ApiProperty({ example: 2, description: 'Zero-based position among the app’s environments' }) order!: number;
  @ApiProperty({ example: 12, description: "The environment's version" }) flagStateVersion!: number;
}

export class ReflagAppHeaderDto {
  @ApiProperty({ type: ReflagOrgHeaderDto }) org!: ReflagOrgHeaderDto;
  @ApiProperty({ example: 'app_xyz789' }) id!: string;
  @ApiProperty({ example: 'my-new-app' }) name!: string;
  @ApiProperty({ example: false }) demo!: boolean;
  @ApiProperty({ enum: ['custom'], example: 'custom' }) flagKeyFormat!: string;
  @ApiProperty({ type: [ReflagEnvironmentHeaderDto] }) environments!: ReflagEnvironmentHeaderDto[];
}

export class ReflagAppDto extends ReflagAppHeaderDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [], description: 'No stages here: always empty' } as never)
  stages!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [], description: 'No segments here: always empty' } as never)
  segments!: unknown[];
}

export class ReflagAppHeaderCollectionDto {
  @ApiProperty({ type: [ReflagAppHeaderDto] }) data!: ReflagAppHeaderDto[];
}

export class ReflagEnvironmentHeaderCollectionDto {
  @ApiProperty({ type: [ReflagEnvironmentHeaderDto] }) data!: ReflagEnvironmentHeaderDto[];
  @ApiProperty({ enum: ['asc', 'desc'] }) sortOrder!: string;
  @ApiProperty({ enum: ['name', 'order'] }) sortBy!: string;
}

export class ReflagBootstrapOrgDto extends ReflagOrgHeaderDto {
  @ApiProperty({ type: [ReflagAppHeaderDto] }) apps!: ReflagAppHeaderDto[];
  @ApiProperty({ enum: ['custom'], example: 'custom' }) featureKeyFormat!: string;
}

export class ReflagUserHeaderDto {
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', description: "A user's id, or a mgmt_ key's" }) id!: string;
  @ApiProperty({ example: 'jane@example.com' }) name!: string;
  @ApiProperty({ example: 'jane@example.com', description: "The user's email (for a mgmt_ key, its creator's; empty if unknown)" })
  email!: string;
}

export class ReflagBootstrapDto {
  @ApiProperty({ type: ReflagBootstrapOrgDto }) org!: ReflagBootstrapOrgDto;
  @ApiProperty({ type: ReflagUserHeaderDto }) user!: ReflagUserHeaderDto;
}

export class ReflagFlagHeaderDto {
  @ApiProperty({ example: 'new-checkout-flow', description: 'The flag key: one key names the same flag in every environment' })
  id!: string;
  @ApiProperty({ example: 'new-checkout-flow' }) key!: string;
  @ApiProperty({ example: 'new-checkout-flow', description: 'Flags have no separate name here: the key' }) name!: string;
  @ApiPropertyOptional({ example: 'The redesigned checkout' }) description?: string;
  @ApiProperty({ example: false }) archived!: boolean;
  @ApiProperty({ example: false }) stale!: boolean;
  @ApiProperty({ example: false }) permanent!: boolean;
  @ApiProperty({ example: false }) codeRefsCleanedUp!: boolean;
  @ApiProperty({ example: false }) noRecentChecks!: boolean;
  @ApiProperty({ format: 'date-time', description: 'When the flag was first created in any environment' }) createdAt!: string;
}

export class ReflagFlagHeaderCollectionDto {
  @ApiProperty({ type: [ReflagFlagHeaderDto] }) data!: ReflagFlagHeaderDto[];
  @ApiProperty({ example: 3 }) totalCount!: number;
  @ApiProperty({ example: 3 }) pageSize!: number;
  @ApiProperty({ example: 0 }) pageIndex!: number;
  @ApiProperty({ enum: ['key'] }) sortBy!: string;
  @ApiProperty({ enum: ['asc'] }) sortOrder!: string;
}

export class ReflagVariantDto {
  @ApiProperty({ example: 'default', description: '`default` (the flag’s value), `rollout`, or `target-<n>` (a distinct target value)' })
  key!: string;
  @ApiProperty({ ...ANY_VALUE, example: { theme: 'dark' } } as never) payload!: unknown;
}

export class ReflagRemoteConfigVariantDto {
  @ApiProperty({ type: ReflagVariantDto }) variant!: ReflagVariantDto;
}

export class ReflagRemoteConfigDto {
  @ApiProperty({ example: 'checkout-config' }) key!: string;
  @ApiProperty({ type: [ReflagRemoteConfigVariantDto] }) variants!: ReflagRemoteConfigVariantDto[];
}

export class ReflagFeatureDto {
  @ApiProperty({ example: 'checkout-config' }) id!: string;
  @ApiProperty({ example: 'checkout-config' }) key!: string;
  @ApiProperty({ example: 'checkout-config' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: 'object', nullable: true, example: null, description: 'No stages here: always null' } as never) stage!: null;
  @ApiProperty({ enum: ['bool', 'string', 'number', 'json'], description: "The flag's type (not in Reflag's shape)" }) type!: string;
  @ApiProperty({
    type: [ReflagRemoteConfigDto],
    description: 'With includeRemoteConfigs, for typed (non-boolean) flags: one config whose variants are its distinct values; else empty',
  })
  remoteConfigs!: ReflagRemoteConfigDto[];
}

export class ReflagFeatureCollectionDto {
  @ApiProperty({ type: [ReflagFeatureDto] }) data!: ReflagFeatureDto[];
  @ApiProperty({ type: 'object', example: {} } as never) metadata!: Record<string, never>;
  @ApiProperty({ example: 3 }) totalCount!: number;
  @ApiProperty({ example: 0 }) pageIndex!: number;
  @ApiProperty({ example: 3 }) pageSize!: number;
  @ApiProperty({ enum: ['key', 'name'] }) sortBy!: string;
  @ApiProperty({ enum: ['asc', 'desc'] }) sortOrder!: string;
}

export class ReflagFlagValueTargetingDto {
  @ApiProperty({ type: [String], example: ['acme-corp'] }) companyIds!: string[];
  @ApiProperty({ type: [String], example: ['user-42'] }) userIds!: string[];
}

export class ReflagFlagTargetingDto {
  @ApiProperty({ example: 'new-checkout-flow' }) flagKey!: string;
  @ApiProperty({ example: 4, description: "The environment's version this targeting belongs to" }) version!: number;
  @ApiProperty({ format: 'date-time', description: 'When the flag or its targets last changed (a write: its own time)' })
  updatedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ReflagFlagValueTargetingDto' },
    example: { true: { companyIds: ['acme-corp'], userIds: [] } },
    description: 'By value, as JSON text: "true" for boolean flags; "\\"blue\\"", "3" or "{\\"a\\":1}" for typed flags',
  } as never)
  specificTargets!: Record<string, ReflagFlagValueTargetingDto>;
}

export class ReflagFlagTargetingCollectionDto {
  @ApiProperty({ type: [ReflagFlagTargetingDto] }) data!: ReflagFlagTargetingDto[];
}

export class ReflagEntityFlagDto {
  @ApiProperty({ example: 'new-checkout-flow' }) id!: string;
  @ApiProperty({ example: 'new-checkout-flow' }) key!: string;
  @ApiProperty({ example: 'new-checkout-flow' }) name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    ...ANY_VALUE,
    example: true,
    description: "The flag's value for this user or company (evaluated as the runtime does)",
  } as never)
  value!: unknown;
  @ApiProperty({ ...ANY_VALUE, nullable: true, example: true, description: "This entity's own value, or null" } as never)
  specificTargetValue!: unknown;
  @ApiProperty({ ...ANY_VALUE, nullable: true, description: 'The same, by the name of earlier Reflag API versions' } as never)
  specificallyTargetedValue!: unknown;
  @ApiProperty({ nullable: true, type: String, example: null }) firstExposureAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) lastExposureAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) lastCheckAt!: string | null;
  @ApiProperty({ example: 0, description: 'Not tracked here: 0' }) exposureCount!: number;
  @ApiProperty({ nullable: true, type: String, example: null }) firstTrackAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) lastTrackAt!: string | null;
  @ApiProperty({ example: 0, description: 'Not tracked here: 0' }) trackCount!: number;
}

export class ReflagEntityFlagsDto {
  @ApiProperty({ type: [ReflagEntityFlagDto] }) data!: ReflagEntityFlagDto[];
  @ApiProperty({ example: 3 }) totalCount!: number;
  @ApiProperty({ example: 3 }) pageSize!: number;
  @ApiProperty({ example: 0 }) pageIndex!: number;
}

export const REFLAG_ERROR_CODES = [
  'invalid_request',
  'not_found',
  'not_possible',
  'not_allowed',
  'not_available',
  'unknown_error',
  'unauthorized',
  'unauthenticated',
] as const;
export type ReflagErrorCode = (typeof REFLAG_ERROR_CODES)[number];

export class ReflagErrorDetailDto {
  @ApiProperty({ enum: REFLAG_ERROR_CODES, example: 'not_found' }) code!: ReflagErrorCode;
  @ApiProperty({ example: 'App not found' }) message!: string;
}

export class ReflagErrorDto {
  @ApiProperty({ type: ReflagErrorDetailDto }) error!: ReflagErrorDetailDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'Validation failures by field (dot notation; "" for the request as a whole)',
    example: { 'updates.0.userId': ['updates.0.userId must be shorter than or equal to 256 characters'] },
  } as never)
  issues?: Record<string, string[]>;
}
