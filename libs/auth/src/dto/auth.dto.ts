import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsEmail,
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
import { SCOPES, type Scope } from '../scopes';

export class CredentialsDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 256 })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password!: string;
}

export class UserDto {
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w' }) id!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z', format: 'date-time' }) createdAt!: string;
}

export class SessionDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ example: 'cli_4hT…', description: 'The management token. Shown only here; store it securely.' }) token!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'When the token stops working unless used: each use extends it to LOGIN_TOKEN_TTL_DAYS from then (written at most hourly)',
  })
  expiresAt!: string;
}

export class MeDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ enum: SCOPES, isArray: true, description: "The calling token's scopes" }) scopes!: Scope[];
}

export class CreateTokenDto {
  @ApiProperty({ example: 'github-actions', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  // eslint-disable-next-line no-control-regex -- the rule exists to refuse control characters
  @Matches(/^[^\u0000-\u001f]+$/, { message: 'name must not contain control characters' })
  name!: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, description: "Defaults to the calling token's scopes; may not exceed them" })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each value in scopes must be one of: ${SCOPES.join(', ')}` })
  scopes?: Scope[];

  @ApiPropertyOptional({
    example: '2026-12-31T00:00:00Z',
    format: 'date-time',
    description:
      "When the token stops working; at most the calling token's expiry, which is also the default (never, when the calling token never expires)",
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  @MinDate(MIN_STORABLE_DATE, { message: `expiresAt ${STORABLE_DATE_MESSAGE}` })
  @MaxDate(MAX_STORABLE_DATE, { message: `expiresAt ${STORABLE_DATE_MESSAGE}` })
  expiresAt?: Date;
}

export class TokenDto {
  @ApiProperty({ example: 'tok_3kP9sLmQ2xVb7RtZ' }) id!: string;
  @ApiProperty({ example: 'github-actions' }) name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: Scope[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ example: 'cli_4hT…', description: 'The secret. Returned only once.' }) token!: string;
}

export class RevokeAllTokensDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Keep the calling token working (default: it is revoked too, as "sign out everywhere")',
  })
  @IsOptional()
  @IsBoolean()
  keepCurrent?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 256 })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  newPassword!: string;
}

export class RevokedTokensDto {
  @ApiProperty({ example: 3, description: 'How many tokens were revoked' }) revoked!: number;
}

export class GrantOperatorDto {
  @ApiProperty({ example: 'ops@example.com', maxLength: 254, description: 'An existing account' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;
}

export class OperatorDto extends UserDto {}

export class OperatorAuditEventDto {
  @ApiProperty({ example: 12 }) id!: number;
  @ApiProperty({ enum: ['operator.granted', 'operator.revoked'] }) action!: string;
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', description: 'The account whose rights changed' }) userId!: string;
  @ApiProperty({ example: 'ops@example.com' }) email!: string;
  @ApiProperty({
    example: 'usr_3kP9sLmQ2xVb7RtZ',
    nullable: true,
    type: String,
    description: 'Who did it; null for the ADMIN_EMAIL bootstrap',
  })
  actorUserId!: string | null;
  @ApiProperty({ example: 'tok_3kP9sLmQ2xVb7RtZ', nullable: true, type: String }) actorTokenId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
