import { Body, Controller, Delete, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, SuccessDto } from '@superflag/core';
import { AppIdQueryDto, CreateEnvironmentDto, EnvironmentDto, EnvQueryDto } from './dto/environment.dto';
import type { Environment } from './environment.entity';
import { EnvironmentsService } from './environments.service';

const envView = (env: Environment) => ({ id: env.id, name: env.name, appId: env.appId });

@ApiTags('Environments')
@Controller('api/v1/envs')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentsService) {}

  @Get()
  @RequireScopes('apps:read')
  @ApiOperation({ summary: "List an app's environments" })
  @ApiData(EnvironmentDto, { isArray: true })
  @ApiErrors(400, 404)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AppIdQueryDto) {
    return { data: (await this.environments.list(principal, query.appId)).map(envView) };
  }

  @Post()
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Add an environment to an app' })
  @ApiData(EnvironmentDto, { status: 201 })
  @ApiErrors(400, 404, 409)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateEnvironmentDto) {
    return { data: envView(await this.environments.create(principal, body.appId, body.name)) };
  }

  @Delete()
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Delete an added environment (development, staging and production cannot be deleted)' })
  @ApiData(SuccessDto)
  @ApiErrors(400, 404)
  async delete(@CurrentPrincipal() principal: Principal, @Query() query: EnvQueryDto) {
    await this.environments.delete(principal, query.appId, query.env);
    return { data: { success: true } };
  }
}
