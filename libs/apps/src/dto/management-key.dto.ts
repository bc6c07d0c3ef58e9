import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxDate,
  MaxLength,
  MinDate,
  MinLength,
} from 'class-validator';
import { MAX_STORABLE_DATE, MIN_STORABLE_DATE, STORABLE_DATE_MESSAGE } from '@superflag/core';
import { APP_KEY_SCOPES, SCOPES, type Scope } from '@superflag/auth';

export class CreateManagementKeyDto {
  @ApiProperty({ example: 'back-office', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  // eslint-disable-next-line no-control-regex -- the rule exists to refuse control characters
  @Matches(/^[^\u0000-\u001f]+$/, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    enum: APP_KEY_SCOPES,
    isArray: true,
    example: ['flags:read', 'flags:write'],
    description: "What the key may do in its app; at most the calling token's scopes",
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'scopes must contain at least one scope' })
  @ArrayUnique()
  @IsIn(APP_KEY_SCOPES, { each: true, message: `each value in scopes must be one of: ${APP_KEY_SCOPES.join(', ')}` })
  scopes!: Scope[];

  @ApiPropertyOptional({ example: '2026-12-31T00:00:00Z', format: 'date-time', description: 'When the key stops working' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  @MinDate(MIN_STORABLE_DATE, { message: `expiresAt ${STORABLE_DATE_MESSAGE}` })
  @MaxDate(MAX_STORABLE_DATE, { message: `expiresAt ${STORABLE_DATE_MESSAGE}` })
  expiresAt?: Date;
}

export class ManagementKeyDto {
  @ApiProperty({ example: 'mk_3kP9sLmQ2xVb7RtZ' }) id!: string;
  @ApiProperty({ example: 'back-office' }) name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: Scope[];
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', nullable: true, type: String, description: 'Who created it' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedManagementKeyDto extends ManagementKeyDto {
  @ApiProperty({ example: 'mgmt_4hT…', description: 'The secret, sent as `Authorization: Bearer mgmt_…`. Returned only once.' })
  key!: string;
}
