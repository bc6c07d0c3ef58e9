import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { CursorPart } from '@superflag/core';
import { APP_ROLES } from '../app-rights';
import { AUDIT_ACTIONS } from '../audit-event.entity';

export const APP_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;

export class AppNameDto {
  @ApiProperty({
    example: 'my-new-app',
    pattern: APP_NAME_PATTERN.source,
    description: '1–64 characters of a-z, 0-9, - and _; unique among your apps',
  })
  @IsString()
  @Matches(APP_NAME_PATTERN, { message: 'name must be 1-64 characters of a-z, 0-9, - and _' })
  name!: string;
}

export class AppDto {
  @ApiProperty({ example: 'app_xyz789' }) id!: string;
  @ApiProperty({ example: 'my-new-app' }) name!: string;
  @ApiProperty({ example: '2025-01-06T12:00:00.000Z', format: 'date-time' }) createdAt!: string;
}

export class AppListItemDto extends AppDto {
  @ApiProperty({ enum: APP_ROLES, description: "The caller's role in the app (an app's mgmt_ key: editor)" }) role!: string;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ example: 120, description: 'Cursor: only events with an id below this (use `nextBefore` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  @ApiPropertyOptional({
    example: 'WyIxMjAiXQ',
    maxLength: 1024,
    description: "Opaque, as on every list: the previous page's `nextCursor` (instead of `before`)",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  cursor?: string;
}

/** An audit cursor: the id of the last event of the page (a bigint, as digits). */
export const AUDIT_CURSOR: readonly CursorPart[] = ['digits'];

export class AuditActorDto {
  @ApiProperty({ example: 'usr_8fK2mQ9xLp3RtV7w', nullable: true, type: String, description: 'The user, when a cli_ token was used' })
  userId!: string | null;
  @ApiProperty({ example: 'tok_3kP9sLmQ2xVb7RtZ', nullable: true, type: String, description: 'That cli_ token' }) tokenId!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: "The app's mgmt_ key, when one was used" }) appKeyId!:
    string | null;
}

export class AuditEventDto {
  @ApiProperty({ example: 121, description: 'Increases with every event of the service; the page cursor' }) id!: number;
  @ApiProperty({ enum: AUDIT_ACTIONS, example: 'member.added' }) action!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { userId: 'usr_Lp3RtV7w8fK2mQ9x', email: 'grace@example.com', role: 'editor' },
    description:
      'member.*: userId, email and role (role_changed: from, to); management_key.*: keyId, name (created: scopes, expiresAt); ' +
      'runtime_key.*: keyId, type, environmentId, env; plan.changed: from, to',
  })
  details!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
