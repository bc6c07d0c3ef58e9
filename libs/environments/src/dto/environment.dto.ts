import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const ENV_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class AppIdQueryDto {
  @ApiProperty({ example: 'app_abc123' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  appId!: string;
}

export class EnvQueryDto extends AppIdQueryDto {
  @ApiProperty({ example: 'production', description: "The environment's name or id (env_…)" })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  env!: string;
}

export class CreateEnvironmentDto {
  @ApiProperty({ example: 'app_abc123' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  appId!: string;

  @ApiProperty({
    example: 'qa',
    pattern: ENV_NAME_PATTERN.source,
    description: '1–64 characters of a-z, 0-9, - and _, starting with a letter or digit',
  })
  @IsString()
  @Matches(ENV_NAME_PATTERN, { message: 'name must be 1-64 characters of a-z, 0-9, - and _, starting with a letter or digit' })
  name!: string;
}

export class EnvironmentDto {
  @ApiProperty({ example: 'env_prd123' }) id!: string;
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ example: 'app_abc123' }) appId!: string;
}
