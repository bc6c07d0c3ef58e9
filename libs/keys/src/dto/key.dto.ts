import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '@superflag/core';
import { EnvQueryDto } from '@superflag/environments';
import { KEY_TYPES } from '../key-format';

export class CreateKeyDto extends EnvQueryDto {
  @ApiProperty({
    enum: KEY_TYPES,
    example: 'pub',
    description: 'pub: public client key (browsers/mobile, sees clientEnabled flags only); sdk: server SDK key (sees every flag)',
  })
  @IsIn(KEY_TYPES, { message: 'Invalid key type' })
  type!: string;

  @ApiPropertyOptional({ example: 'web app', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class KeyListQueryDto extends IntersectionType(EnvQueryDto, PageQueryDto) {}

export class KeyIdQueryDto {
  @ApiProperty({ example: 'key_789' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  keyId!: string;
}

export class KeyDto {
  @ApiProperty({ example: 'key_123' }) id!: string;
  @ApiProperty({ enum: KEY_TYPES, example: 'pub' }) type!: string;
  @ApiProperty({ example: 'pub_prod_' }) prefix!: string;
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z', format: 'date-time' }) createdAt!: string;
  @ApiProperty({ example: 'web app', nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: 'x7Qz', description: 'Last 4 characters of the key' }) last4!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedKeyDto {
  @ApiProperty({ example: 'key_789' }) id!: string;
  @ApiProperty({ enum: KEY_TYPES, example: 'pub' }) type!: string;
  @ApiProperty({ example: 'pub_prod_abc123xyz789…', description: 'The full key. Returned only once: store it securely.' }) key!: string;
  @ApiProperty({ example: '2025-01-06T12:00:00.000Z', format: 'date-time' }) createdAt!: string;
}
