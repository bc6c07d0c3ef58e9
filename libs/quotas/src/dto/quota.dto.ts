import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PLANS, type Plan } from '../quota-math';

export class PlanDto {
  @ApiProperty({ enum: PLANS, example: 'pro' })
  @IsIn(PLANS, { message: `plan must be one of: ${PLANS.join(', ')}` })
  plan!: Plan;
}

export class AppPlanDto {
  @ApiProperty({ example: 'app_xyz789' }) id!: string;
  @ApiProperty({ example: 'my-new-app' }) name!: string;
  @ApiProperty({ enum: PLANS, example: 'pro' }) plan!: Plan;
  @ApiProperty({ example: 100000, nullable: true, type: Number, description: 'Monthly requests per environment; null = unlimited' })
  limit!: number | null;
}

export class UsageQueryDto {
  @ApiProperty({ example: 'app_abc123' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  appId!: string;

  @ApiPropertyOptional({ example: 'production', description: 'Name or id; omit for every environment of the app' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  env?: string;
}

export class UsageDto {
  @ApiProperty({ example: '2026-11', description: 'Calendar month, UTC' }) month!: string;
  @ApiProperty({ example: 1234 }) used!: number;
  @ApiProperty({ example: 25000, nullable: true, type: Number, description: 'null = unlimited' }) limit!: number | null;
  @ApiProperty({ enum: PLANS, example: 'free' }) plan!: Plan;
}

export class EnvironmentUsageDto extends UsageDto {
  @ApiProperty({ example: 'production' }) env!: string;
  @ApiProperty({ example: 'env_prd123' }) environmentId!: string;
}
