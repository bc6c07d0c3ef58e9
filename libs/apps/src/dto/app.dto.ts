import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export const APP_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;

export class AppNameDto {
  @ApiProperty({ example: 'my-new-app', pattern: APP_NAME_PATTERN.source, description: '1–64 characters of a-z, 0-9, - and _; unique among your apps' })
  @IsString() @Matches(APP_NAME_PATTERN, { message: 'name must be 1-64 characters of a-z, 0-9, - and _' })
  name!: string;
}

export class AppDto {
  @ApiProperty({ example: 'app_xyz789' }) id!: string;
  @ApiProperty({ example: 'my-new-app' }) name!: string;
  @ApiProperty({ example: '2025-01-06T12:00:00.000Z', format: 'date-time' }) createdAt!: string;
}

export class AppListItemDto extends AppDto {
  @ApiProperty({ enum: ['owner'], description: "The caller's role in the app" }) role!: string;
}
