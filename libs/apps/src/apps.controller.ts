import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes } from '@superflag/auth';
import { ApiData, ApiErrors, SuccessDto } from '@superflag/core';
import type { App } from './app.entity';
import { AppsService } from './apps.service';
import { AppDto, AppListItemDto, AppNameDto } from './dto/app.dto';

export const appView = (app: App) => ({ id: app.id, name: app.name, createdAt: app.createdAt.toISOString() });

@ApiTags('Apps')
@Controller('api/v1/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Get()
  @RequireScopes('apps:read')
  @ApiOperation({ summary: 'List the apps you are a member of' })
  @ApiData(AppListItemDto, { isArray: true })
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: (await this.apps.list(principal)).map(({ app, role }) => ({ ...appView(app), role })) };
  }

  @Post()
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Create an app with its development, staging and production environments' })
  @ApiData(AppDto, { status: 201 })
  @ApiErrors(400, 409, 413)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: AppNameDto) {
    return { data: appView(await this.apps.create(principal, body.name)) };
  }

  @Get(':id')
  @RequireScopes('apps:read')
  @ApiOperation({ summary: 'Get one app' })
  @ApiData(AppDto)
  @ApiErrors(404)
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return { data: appView((await this.apps.get(principal, id)).app) };
  }

  @Patch(':id')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Rename an app (owner only)' })
  @ApiData(AppDto)
  @ApiErrors(400, 404, 409)
  async rename(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: AppNameDto) {
    return { data: appView(await this.apps.rename(principal, id, body.name)) };
  }

  @Delete(':id')
  @RequireScopes('apps:write')
  @ApiOperation({ summary: 'Delete an app and everything in it (owner only)' })
  @ApiData(SuccessDto)
  @ApiErrors(404)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.apps.delete(principal, id);
    return { data: { success: true } };
  }
}
